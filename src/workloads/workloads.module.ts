import { Module } from '@nestjs/common';

/** The reconciler: Session → home PVC, Deployment, Service, Ingress and status (api-contract §5.6). */
@Module({})
export class WorkloadsModule {}
