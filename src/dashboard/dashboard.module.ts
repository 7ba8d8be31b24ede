import { Module } from '@nestjs/common';
import { QuotasModule } from '../quotas/quotas.module.js';
import { DashboardController } from './dashboard.controller.js';
import { DashboardService } from './dashboard.service.js';

/** Dashboards (§3.11). */
@Module({ imports: [QuotasModule], controllers: [DashboardController], providers: [DashboardService] })
export class DashboardModule {}
