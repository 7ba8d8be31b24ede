import { MANAGED_BY, MANAGED_BY_LABEL, SESSION_LABEL, TEMPLATE_LABEL, USER_LABEL } from '../kubernetes/labels.js';
import type {
  V1Container,
  V1Deployment,
  V1Ingress,
  V1OwnerReference,
  V1PersistentVolumeClaim,
  V1Service,
} from '../kubernetes/resources.js';
import { homeVolumeName } from '../kubernetes/names.js';
import { STREAM_SPACE_API_VERSION, type SessionResource, type TemplateSpec } from '../kubernetes/resources.js';
import type { PlatformSettings } from '../platform-config/platform-config.service.js';

export const PORT_NAME = 'http';
const DEFAULT_SESSION_PORT = 3000;
const HOME_MOUNT_PATH = '/config';
const SHM_SIZE_LIMIT = '1Gi';

/** Name of every workload object of a session (api-contract §5.5). */
export function workloadName(sessionName: string): string {
  return `ss-${sessionName}`;
}

/** `vnc.port` when VNC is enabled, else the first declared port, else 3000 (§5.6). */
export function sessionPort(template: Pick<TemplateSpec, 'vnc' | 'ports'>): number {
  if (template.vnc && template.vnc.enabled !== false) return template.vnc.port ?? DEFAULT_SESSION_PORT;
  return template.ports?.[0]?.containerPort ?? DEFAULT_SESSION_PORT;
}

/** The port a Deployment we created serves on; Services follow it, not a later Template. */
export function deploymentPort(deployment: V1Deployment): number | undefined {
  const container = deployment.spec?.template.spec?.containers.find((c) => c.name === 'session');
  return container?.ports?.find((p) => p.name === PORT_NAME)?.containerPort;
}

/** Browser URL of a session (§5.6): the platform URL template, else the session's Ingress host. */
export function sessionUrl(
  session: SessionResource,
  namespace: string,
  port: number,
  settings: PlatformSettings,
): string {
  const { urlTemplate } = settings.session;
  const { scheme, domain } = settings.ingress;
  if (!urlTemplate) return `${scheme}://${session.metadata.name}.${domain}/`;
  const values: Record<string, string> = {
    name: session.metadata.name,
    namespace,
    user: session.spec.user,
    template: session.spec.template,
    port: String(port),
    domain,
  };
  return urlTemplate.replace(/\{(name|namespace|user|template|port|domain)\}/g, (_, key: string) => values[key]);
}

/**
 * The manifests the reconciler creates for one Session (api-contract §5.6). Pure: everything
 * comes from the Session, its Template and the platform settings at the time of the call.
 */
export class SessionWorkloadBuilder {
  constructor(
    private readonly session: SessionResource,
    private readonly namespace: string,
    private readonly settings: PlatformSettings,
  ) {}

  get name(): string {
    return workloadName(this.session.metadata.name);
  }

  /** Labels shared by the Deployment, its pods, the Service and the Ingress. */
  labels(): Record<string, string> {
    const { name } = this.session.metadata;
    return {
      'app.kubernetes.io/name': 'streamspace-session',
      'app.kubernetes.io/instance': name,
      [MANAGED_BY_LABEL]: MANAGED_BY,
      [SESSION_LABEL]: name,
      [USER_LABEL]: this.session.spec.user,
      [TEMPLATE_LABEL]: this.session.spec.template,
    };
  }

  /** Makes the Session the controller, so deleting it garbage-collects the workload. */
  ownerReference(): V1OwnerReference {
    return {
      apiVersion: STREAM_SPACE_API_VERSION,
      kind: 'Session',
      name: this.session.metadata.name,
      uid: this.session.metadata.uid ?? '',
      controller: true,
      blockOwnerDeletion: true,
    };
  }

  /** The user's home volume: shared by all their sessions, so it has no owner and is never deleted. */
  homeVolumeClaim(): V1PersistentVolumeClaim {
    const { storage } = this.settings;
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: homeVolumeName(this.session.spec.user),
        namespace: this.namespace,
        labels: {
          'app.kubernetes.io/name': 'streamspace-home',
          [MANAGED_BY_LABEL]: MANAGED_BY,
          [USER_LABEL]: this.session.spec.user,
        },
      },
      spec: {
        accessModes: [storage.accessMode],
        resources: { requests: { storage: storage.homeSize } },
        ...(storage.className ? { storageClassName: storage.className } : {}),
      },
    };
  }

  deployment(template: TemplateSpec, replicas: number): V1Deployment {
    const labels = this.labels();
    const persistentHome = this.session.spec.persistentHome !== false;
    const port = sessionPort(template);
    const container: V1Container = {
      name: 'session',
      image: template.baseImage,
      imagePullPolicy: 'IfNotPresent',
      env: (template.env ?? []).map(({ name, value }) => ({ name, value })),
      resources: this.containerResources(),
      ports: [{ name: PORT_NAME, containerPort: port, protocol: 'TCP' }],
      readinessProbe: { tcpSocket: { port }, initialDelaySeconds: 2, periodSeconds: 5 },
      volumeMounts: [
        ...(persistentHome ? [{ name: 'home', mountPath: HOME_MOUNT_PATH }] : []),
        { name: 'dshm', mountPath: '/dev/shm' },
      ],
    };
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: this.name, namespace: this.namespace, labels, ownerReferences: [this.ownerReference()] },
      spec: {
        replicas,
        // Immutable once created: only the session label, never anything that may change.
        selector: { matchLabels: { [SESSION_LABEL]: this.session.metadata.name } },
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            containers: [container],
            volumes: [
              ...(persistentHome
                ? [{ name: 'home', persistentVolumeClaim: { claimName: homeVolumeName(this.session.spec.user) } }]
                : []),
              // Browsers in containers need a /dev/shm larger than the 64Mi default.
              { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: SHM_SIZE_LIMIT } },
            ],
          },
        },
      },
    };
  }

  service(port: number): V1Service {
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: this.labels(),
        ownerReferences: [this.ownerReference()],
      },
      spec: {
        type: 'ClusterIP',
        selector: { [SESSION_LABEL]: this.session.metadata.name },
        ports: [{ name: PORT_NAME, port, targetPort: port, protocol: 'TCP' }],
      },
    };
  }

  ingress(): V1Ingress {
    const { className, domain, tlsSecretName } = this.settings.ingress;
    const host = `${this.session.metadata.name}.${domain}`;
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: this.labels(),
        ownerReferences: [this.ownerReference()],
      },
      spec: {
        ...(className ? { ingressClassName: className } : {}),
        rules: [
          {
            host,
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name: this.name, port: { name: PORT_NAME } } } },
              ],
            },
          },
        ],
        ...(tlsSecretName ? { tls: [{ hosts: [host], secretName: tlsSecretName }] } : {}),
      },
    };
  }

  /** Session `spec.resources`; the CRD allows integers, the pod spec wants quantity strings. */
  private containerResources(): V1Container['resources'] {
    const toStrings = (quantities?: { cpu?: string | number; memory?: string | number }) => {
      if (!quantities) return undefined;
      const entries = Object.entries(quantities).filter(([, value]) => value !== undefined && value !== null);
      return Object.fromEntries(entries.map(([key, value]) => [key, String(value)]));
    };
    const { requests, limits } = this.session.spec.resources ?? {};
    return {
      ...(requests ? { requests: toStrings(requests) } : {}),
      ...(limits ? { limits: toStrings(limits) } : {}),
    };
  }
}
