import { Module } from '@nestjs/common';

/** Cluster browsing, generic resources and pod logs (§3.9). */
@Module({})
export class ClusterModule {}
