import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { ApplicationInstallCache } from './application-install.cache.js';
import { ApplicationInstallReconciler } from './application-install.reconciler.js';
import { ApplicationInstallScheduler } from './application-install.scheduler.js';
import { ApplicationInstaller } from './application-installer.js';
import { ApplicationLaunchService } from './application-launch.service.js';
import { ApplicationsController } from './applications.controller.js';
import { ApplicationsRepository } from './applications.repository.js';
import { ApplicationsService } from './applications.service.js';
import { InstallStatusMirror } from './install-status.mirror.js';

/** Installed applications (§3.7) and the ApplicationInstall → Template reconciler (§5.7). */
@Module({
  imports: [CatalogModule],
  controllers: [ApplicationsController],
  providers: [
    ApplicationsRepository,
    ApplicationsService,
    ApplicationInstaller,
    ApplicationLaunchService,
    ApplicationInstallCache,
    ApplicationInstallReconciler,
    ApplicationInstallScheduler,
    InstallStatusMirror,
  ],
  exports: [ApplicationLaunchService],
})
export class ApplicationsModule {}
