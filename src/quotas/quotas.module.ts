import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GroupQuotaEntity, UserQuotaEntity } from './quota-limit.entity.js';
import { QuotaService } from './quota.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserQuotaEntity, GroupQuotaEntity])],
  providers: [QuotaService],
  exports: [QuotaService],
})
export class QuotasModule {}
