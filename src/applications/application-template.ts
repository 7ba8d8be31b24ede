import type { ApplicationInstallResource, TemplateResource, TemplateSpec } from '../kubernetes/resources.js';
import { checkTemplateSpec, extractTemplateSpec } from '../catalog/template-manifest.js';
import { CATALOG_ID_LABEL } from '../catalog/catalog.service.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../kubernetes/labels.js';

export const APPLICATION_INSTALL_LABEL = 'streamspace.io/application-install';
export const INSTALLED_BY_LABEL = 'streamspace.io/installed-by';

/** What the Template of an installation must look like (api-contract §5.7 steps 2–3). */
export interface DesiredTemplate {
  spec: TemplateSpec;
  labels: Record<string, string>;
}

/**
 * Step 2: the manifest parsed (JSON, bare or under `spec`, PascalCase normalised), overlaid with
 * the installation's displayName, description, category and icon, and held to the §5.3 rules.
 * Returns the reason when it cannot become a Template.
 */
export async function desiredTemplate(
  install: ApplicationInstallResource,
): Promise<DesiredTemplate | { problem: string }> {
  const { spec } = install;
  let manifest: Record<string, unknown>;
  try {
    manifest = extractTemplateSpec(spec.manifest);
  } catch (error) {
    return { problem: (error as Error).message };
  }
  const overlay = Object.fromEntries(
    (['displayName', 'description', 'category', 'icon'] as const)
      .filter((key) => spec[key] !== undefined)
      .map((key) => [key, spec[key]]),
  );
  const checked = await checkTemplateSpec({ ...manifest, ...overlay });
  if ('problem' in checked) return checked;
  const catalogId =
    install.metadata.labels?.[CATALOG_ID_LABEL] ??
    (spec.catalogTemplateID === undefined ? undefined : String(spec.catalogTemplateID));
  const installedBy = install.metadata.labels?.[INSTALLED_BY_LABEL] ?? spec.installedBy;
  return {
    spec: checked.spec,
    labels: {
      [MANAGED_BY_LABEL]: MANAGED_BY,
      [APPLICATION_INSTALL_LABEL]: install.metadata.name,
      ...(catalogId !== undefined && { [CATALOG_ID_LABEL]: catalogId }),
      ...(installedBy !== undefined && { [INSTALLED_BY_LABEL]: installedBy }),
    },
  };
}

/** The owner reference the Template carries (§5.7 step 3): garbage-collected with the installation. */
export function ownerReference(install: ApplicationInstallResource) {
  return {
    apiVersion: install.apiVersion ?? 'stream.space/v1alpha1',
    kind: 'ApplicationInstall',
    name: install.metadata.name,
    uid: install.metadata.uid!,
    controller: true,
  };
}

/** Whether this installation (this very object, by uid) controls the Template. */
export function isOwnedBy(template: TemplateResource, install: ApplicationInstallResource): boolean {
  return (template.metadata.ownerReferences ?? []).some(
    (reference) =>
      reference.kind === 'ApplicationInstall' &&
      reference.uid === install.metadata.uid &&
      reference.controller === true,
  );
}
