import type {
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V1Node,
  V1ObjectMeta,
  V1PersistentVolumeClaim,
  V1Pod,
} from '@kubernetes/client-node';

/** Object types of the core kinds K8sService reads and writes, so other modules need not import the client. */
export type {
  V1Container,
  V1Deployment,
  V1Ingress,
  V1Node,
  V1OwnerReference,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Service,
  V1Taint,
} from '@kubernetes/client-node';

/** The platform's custom resources (api-contract §5): group stream.space, version v1alpha1. */
export const STREAM_SPACE_GROUP = 'stream.space';
export const STREAM_SPACE_VERSION = 'v1alpha1';
export const STREAM_SPACE_API_VERSION = `${STREAM_SPACE_GROUP}/${STREAM_SPACE_VERSION}`;

export type ObjectMeta = V1ObjectMeta;
export type { KubernetesObject };

/** A namespaced object the API server has stored: it always has a name and resourceVersion. */
export interface StoredObject extends KubernetesObject {
  metadata: ObjectMeta & { name: string; resourceVersion?: string };
}

/** Core objects as the API server stored them (from lists and watches). */
export type ConfigMapObject = V1ConfigMap & StoredObject;
export type DeploymentObject = V1Deployment & StoredObject;
export type NodeObject = V1Node & StoredObject;
export type PersistentVolumeClaimObject = V1PersistentVolumeClaim & StoredObject;
export type PodObject = V1Pod & StoredObject;

/** A custom resource: a stored object with a spec and an optional status. */
export interface CustomResource<Spec = unknown, Status = unknown> extends StoredObject {
  spec: Spec;
  status?: Status;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface ResourceQuantities {
  cpu?: string;
  memory?: string;
}

export const SESSION_STATES = ['running', 'hibernated', 'terminated'] as const;
export type SessionState = (typeof SESSION_STATES)[number];
export type SessionPhase = 'Pending' | 'Running' | 'Hibernated' | 'Terminated' | 'Failed';

export interface SessionSpec {
  user: string;
  template: string;
  state: SessionState;
  resources?: { requests?: ResourceQuantities; limits?: ResourceQuantities };
  persistentHome?: boolean;
  idleTimeout?: string;
  maxSessionDuration?: string;
  tags?: string[];
}

export interface SessionStatus {
  phase?: SessionPhase;
  url?: string;
  podName?: string;
  lastActivity?: string;
  message?: string;
  observedGeneration?: number;
  conditions?: Condition[];
}

export type SessionResource = CustomResource<SessionSpec, SessionStatus>;

export interface TemplateSpec {
  displayName: string;
  description?: string;
  category?: string;
  icon?: string;
  baseImage: string;
  appType?: 'desktop' | 'webapp';
  defaultResources?: ResourceQuantities;
  ports?: { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' }[];
  env?: { name: string; value: string }[];
  vnc?: { enabled?: boolean; port?: number };
  capabilities?: ('Network' | 'Audio' | 'Clipboard' | 'USB' | 'Printing')[];
  tags?: string[];
  featured?: boolean;
}

export interface TemplateStatus {
  valid?: boolean;
  message?: string;
  observedGeneration?: number;
}

export type TemplateResource = CustomResource<TemplateSpec, TemplateStatus>;

export interface ApplicationInstallSpec {
  templateName: string;
  displayName: string;
  description?: string;
  category?: string;
  icon?: string;
  manifest: string;
  catalogTemplateID?: number;
  installedBy?: string;
}

export interface ApplicationInstallStatus {
  phase?: 'Pending' | 'Creating' | 'Ready' | 'Failed';
  templateName?: string;
  templateNamespace?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
  conditions?: Condition[];
}

export type ApplicationInstallResource = CustomResource<ApplicationInstallSpec, ApplicationInstallStatus>;

/** What K8sService needs to address one kind of custom resource. */
export interface CustomResourceKind {
  kind: string;
  plural: string;
}

export const SESSION_KIND: CustomResourceKind = { kind: 'Session', plural: 'sessions' };
export const TEMPLATE_KIND: CustomResourceKind = { kind: 'Template', plural: 'templates' };
export const APPLICATION_INSTALL_KIND: CustomResourceKind = {
  kind: 'ApplicationInstall',
  plural: 'applicationinstalls',
};
export const CUSTOM_RESOURCE_KINDS = [SESSION_KIND, TEMPLATE_KIND, APPLICATION_INSTALL_KIND];
