import { Module } from '@nestjs/common';

/** Installed applications (§3.7) and the ApplicationInstall → Template reconciler (§5.7). */
@Module({})
export class ApplicationsModule {}
