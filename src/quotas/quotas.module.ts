import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlatformConfigService } from '../platform-config/platform-config.service.js';
import { GroupQuotaEntity, UserQuotaEntity } from './quota-limit.entity.js';
import { QuotaService } from './quota.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserQuotaEntity, GroupQuotaEntity])],
  providers: [QuotaService, PlatformConfigService],
  exports: [QuotaService],
})
export class QuotasModule {}
