import { Module } from '@nestjs/common';
import { QuotasModule } from '../quotas/quotas.module.js';
import { UsersModule } from '../users/users.module.js';
import { HomeVolumeQuota } from './home-volume-quota.js';
import { ManagedDeploymentCache } from './managed-deployment.cache.js';
import { SessionReconcileScheduler } from './session-reconcile.scheduler.js';
import { SessionReconciler } from './session.reconciler.js';

/** The reconciler: Session → home PVC, Deployment, Service, Ingress and status (api-contract §5.6). */
@Module({
  imports: [UsersModule, QuotasModule],
  providers: [HomeVolumeQuota, ManagedDeploymentCache, SessionReconciler, SessionReconcileScheduler],
  exports: [SessionReconciler],
})
export class WorkloadsModule {}
