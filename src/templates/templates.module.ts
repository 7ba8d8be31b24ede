import { Module } from '@nestjs/common';
import { TemplateUsageRepository } from './template-usage.repository.js';
import { TemplateValidationReconciler } from './template-validation.reconciler.js';
import { TemplatesController } from './templates.controller.js';
import { TemplatesService } from './templates.service.js';

/** Templates: REST routes of api-contract §3.5 and Template validation status (§5.3). */
@Module({
  controllers: [TemplatesController],
  providers: [TemplatesService, TemplateUsageRepository, TemplateValidationReconciler],
  exports: [TemplatesService],
})
export class TemplatesModule {}
