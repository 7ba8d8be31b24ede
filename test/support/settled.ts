import type { INestApplication } from '@nestjs/common';
import { expect } from '@jest/globals';
import { ApplicationInstallScheduler } from '../../src/applications/application-install.scheduler.js';
import type { StoredObject } from '../../src/kubernetes/resources.js';
import type { WatchCache } from '../../src/kubernetes/watch-cache.js';
import { TemplateValidationReconciler } from '../../src/templates/template-validation.reconciler.js';
import { SessionReconcileScheduler } from '../../src/workloads/session-reconcile.scheduler.js';
import { eventually } from './eventually.js';

const atLeast = (version: string | undefined, wanted: string) =>
  version !== undefined && BigInt(version) >= BigInt(wanted);

/**
 * Proof that the app has handled what happened to an object, instead of a sleep before a
 * "nothing happened" assertion: its watch cache holds the object (at `resourceVersion` or newer),
 * and, since caches hand events to the reconcilers in the same call, every reconcile loop is idle.
 */
export async function eventHandled<T extends StoredObject>(
  app: INestApplication,
  cache: WatchCache<T>,
  name: string,
  resourceVersion?: string,
): Promise<void> {
  await eventually(() => {
    const version = cache.get(name)?.metadata.resourceVersion;
    if (resourceVersion === undefined) expect(version).toBeDefined();
    else expect(atLeast(version, resourceVersion)).toBe(true);
  });
  await Promise.all(
    [SessionReconcileScheduler, TemplateValidationReconciler, ApplicationInstallScheduler].map((owner) =>
      app.get(owner).idle(),
    ),
  );
}
