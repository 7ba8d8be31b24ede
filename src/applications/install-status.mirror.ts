import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ApplicationInstallResource, ApplicationInstallStatus } from '../kubernetes/resources.js';
import { ApplicationInstallCache } from './application-install.cache.js';
import type { ApplicationRow } from './application.view.js';
import { ApplicationsRepository } from './applications.repository.js';

const INSTALL_STATUS: Record<NonNullable<ApplicationInstallStatus['phase']>, ApplicationRow['installStatus']> = {
  Pending: 'pending',
  Creating: 'creating',
  Ready: 'installed',
  Failed: 'failed',
};

/**
 * The row's install status for an ApplicationInstall's status (§3.7 "Install status"), or
 * undefined while no phase was reported yet (nothing to mirror).
 */
export function installStatusOf(
  install: ApplicationInstallResource,
): { status: ApplicationRow['installStatus']; message: string } | undefined {
  const phase = install.status?.phase;
  if (!phase || !(phase in INSTALL_STATUS)) return undefined;
  return { status: INSTALL_STATUS[phase], message: install.status?.message ?? '' };
}

/**
 * Keeps `installed_applications.install_status/install_message` in line with the observed
 * ApplicationInstall status, on every replica and also with the reconciler switched off (another
 * controller may write the status). Writes are serialised so events land in order.
 */
@Injectable()
export class InstallStatusMirror implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(InstallStatusMirror.name);
  private unsubscribe: (() => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly installs: ApplicationInstallCache,
    private readonly applications: ApplicationsRepository,
  ) {}

  /** Subscribed before the cache starts, so its initial list is mirrored too. */
  onModuleInit(): void {
    this.unsubscribe = this.installs.subscribe(({ type, object }) => {
      if (type !== 'deleted') void this.record(object);
    });
  }

  /** Records the cached status again, for a row committed after the status was observed. */
  refresh(id: string): Promise<void> {
    const install = this.installs.get(id);
    return install ? this.record(install) : Promise.resolve();
  }

  private record(install: ApplicationInstallResource): Promise<void> {
    const observed = installStatusOf(install);
    if (!observed) return Promise.resolve();
    const id = install.metadata.name;
    const write = this.queue
      .then(() => this.applications.recordInstallStatus(id, observed.status, observed.message))
      .catch((error: unknown) =>
        this.logger.warn(`Could not record the install status of '${id}': ${(error as Error)?.message ?? error}`),
      );
    this.queue = write;
    return write;
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    await this.queue;
  }
}
