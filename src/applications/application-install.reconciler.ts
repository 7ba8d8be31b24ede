import { Injectable } from '@nestjs/common';
import { K8sService } from '../kubernetes/k8s.service.js';
import {
  KubernetesAlreadyExistsError,
  KubernetesInvalidError,
  unlessNotFound,
} from '../kubernetes/kubernetes-errors.js';
import { TemplateCache } from '../kubernetes/custom-resource.cache.js';
import type {
  ApplicationInstallResource,
  ApplicationInstallStatus,
  TemplateResource,
} from '../kubernetes/resources.js';
import { sameJson } from '../catalog/template-manifest.js';
import { Clock } from '../common/clock.js';
import { ApplicationInstallCache } from './application-install.cache.js';
import { type DesiredTemplate, desiredTemplate, isOwnedBy, ownerReference } from './application-template.js';

type Phase = NonNullable<ApplicationInstallStatus['phase']>;

export const notManagedMessage = (name: string) =>
  `Template '${name}' already exists and is not managed by this installation`;

/** Whether the Template already has the desired spec and labels (extra labels are left alone). */
function isUpToDate(template: TemplateResource, desired: DesiredTemplate): boolean {
  const labels = template.metadata.labels ?? {};
  return (
    sameJson(template.spec, desired.spec) &&
    Object.entries(desired.labels).every(([key, value]) => labels[key] === value)
  );
}

/**
 * One pass of ApplicationInstall → Template (api-contract §5.7), idempotent: reads the cached
 * install and Template, writes only what differs. Transient Kubernetes failures are thrown, so the
 * queue retries with back-off while the phase stays `Creating`.
 */
@Injectable()
export class ApplicationInstallReconciler {
  constructor(
    private readonly k8s: K8sService,
    private readonly installs: ApplicationInstallCache,
    private readonly templates: TemplateCache,
    private readonly clock: Clock,
  ) {}

  async reconcile(name: string): Promise<void> {
    const install = this.installs.get(name);
    // Deletion is the garbage collector's job: the owned Template goes with the install.
    if (!install || install.metadata.deletionTimestamp) return;
    const desired = await desiredTemplate(install);
    // No retry: a new spec (a new generation) brings a new event.
    if ('problem' in desired) return this.setStatus(install, 'Failed', `Failed to parse manifest: ${desired.problem}`);

    const templateName = install.spec.templateName;
    let template = this.templates.get(templateName);
    const ready =
      install.status?.phase === 'Ready' && install.status.observedGeneration === install.metadata.generation;
    if (!ready || !template) await this.setStatus(install, 'Creating', 'Processing manifest');

    try {
      if (!template) {
        try {
          template = await this.k8s.templates.create({
            metadata: { name: templateName, labels: desired.labels, ownerReferences: [ownerReference(install)] },
            spec: desired.spec,
          });
        } catch (error) {
          // The cache lagged behind: judge the Template that is there.
          if (!(error instanceof KubernetesAlreadyExistsError)) throw error;
          template = await this.k8s.templates.get(templateName);
        }
      }
      if (!isOwnedBy(template, install)) return this.setStatus(install, 'Failed', notManagedMessage(templateName));
      if (!isUpToDate(template, desired)) {
        await this.k8s.templates.modify(templateName, (current) => ({
          ...current,
          metadata: { ...current.metadata, labels: { ...current.metadata.labels, ...desired.labels } },
          spec: desired.spec,
        }));
      }
    } catch (error) {
      // The API server refuses the Template itself: retrying cannot help.
      if (error instanceof KubernetesInvalidError)
        return this.setStatus(install, 'Failed', `Template rejected: ${error.message}`);
      throw error;
    }
    await this.setStatus(install, 'Ready', 'Template ready', { templateName, templateNamespace: this.k8s.namespace });
  }

  /** Merge-patches the status fields we own, only when something changed. */
  private async setStatus(
    install: ApplicationInstallResource,
    phase: Phase,
    message: string,
    template: { templateName: string; templateNamespace: string } | Record<string, never> = {},
  ): Promise<void> {
    const current = this.installs.get(install.metadata.name)?.status ?? install.status ?? {};
    const observedGeneration = install.metadata.generation ?? 0;
    const unchanged =
      current.phase === phase &&
      current.message === message &&
      current.observedGeneration === observedGeneration &&
      Object.entries(template).every(([key, value]) => current[key as keyof ApplicationInstallStatus] === value);
    if (unchanged) return;
    await unlessNotFound(
      this.k8s.applicationInstalls.patchStatus(install.metadata.name, {
        phase,
        message,
        observedGeneration,
        ...template,
        ...(current.phase !== phase && { lastTransitionTime: this.clock.now().toISOString() }),
      }),
    );
  }
}
