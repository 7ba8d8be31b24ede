import { Module } from '@nestjs/common';

/** Sessions: REST routes of api-contract §3.3 and the sessions table projection. */
@Module({})
export class SessionsModule {}
