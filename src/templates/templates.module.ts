import { Module } from '@nestjs/common';

/** Templates: REST routes of api-contract §3.5 and Template validation status. */
@Module({})
export class TemplatesModule {}
