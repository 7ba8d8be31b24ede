import type { TemplateResource, TemplateSpec } from '../kubernetes/resources.js';
import type { CAPABILITIES } from './template-rules.js';

/** The camelCase Template of api-contract §4.7: every key present, schema defaults filled in. */
export interface TemplateView {
  name: string;
  namespace: string;
  displayName: string;
  description: string;
  category: string;
  appType: 'desktop' | 'webapp';
  icon: string;
  baseImage: string;
  defaultResources: { memory?: string; cpu?: string };
  ports: { name: string; containerPort: number; protocol: 'TCP' | 'UDP' }[];
  env: { name: string; value: string }[];
  vnc: { enabled: boolean; port: number };
  capabilities: (typeof CAPABILITIES)[number][];
  tags: string[];
  featured: boolean;
  usageCount: number;
  valid: boolean | null;
  statusMessage: string;
  applicationId: string | null;
  createdAt: string;
}

export const APPLICATION_INSTALL_OWNER_KIND = 'ApplicationInstall';

/** The ApplicationInstall that owns the Template (§5.7), whose reconciler would undo any edit. */
export function owningApplicationInstall(template: TemplateResource): string | null {
  const owner = template.metadata.ownerReferences?.find(
    (reference) =>
      reference.kind === APPLICATION_INSTALL_OWNER_KIND && reference.apiVersion.startsWith('stream.space/'),
  );
  return owner?.name ?? null;
}

/** RFC 3339 with milliseconds (§1.2); the API server keeps whole seconds. */
function timestamp(value: Date | string | undefined): string {
  return value === undefined ? new Date(0).toISOString() : new Date(value).toISOString();
}

function pickResources(resources: TemplateSpec['defaultResources']): TemplateView['defaultResources'] {
  const picked: TemplateView['defaultResources'] = {};
  if (resources?.memory !== undefined) picked.memory = resources.memory;
  if (resources?.cpu !== undefined) picked.cpu = resources.cpu;
  return picked;
}

export function toTemplateView(template: TemplateResource, usageCount: number): TemplateView {
  const spec: Partial<TemplateSpec> = template.spec ?? {};
  return {
    name: template.metadata.name,
    namespace: template.metadata.namespace ?? '',
    displayName: spec.displayName ?? '',
    description: spec.description ?? '',
    category: spec.category ?? 'Other',
    appType: spec.appType ?? 'desktop',
    icon: spec.icon ?? '',
    baseImage: spec.baseImage ?? '',
    defaultResources: pickResources(spec.defaultResources),
    ports: (spec.ports ?? []).map((port) => ({
      name: port.name ?? '',
      containerPort: port.containerPort,
      protocol: port.protocol ?? 'TCP',
    })),
    env: (spec.env ?? []).map(({ name, value }) => ({ name, value })),
    vnc: { enabled: spec.vnc?.enabled ?? true, port: spec.vnc?.port ?? 3000 },
    capabilities: spec.capabilities ?? [],
    tags: spec.tags ?? [],
    featured: spec.featured ?? false,
    usageCount,
    valid: template.status?.valid ?? null,
    statusMessage: template.status?.message ?? '',
    applicationId: owningApplicationInstall(template),
    createdAt: timestamp(template.metadata.creationTimestamp),
  };
}
