import { Global, Module } from '@nestjs/common';
import { ConfigController } from './config.controller.js';
import { PlatformConfigService } from './platform-config.service.js';

/** The live platform configuration, injectable everywhere. */
@Global()
@Module({ controllers: [ConfigController], providers: [PlatformConfigService], exports: [PlatformConfigService] })
export class PlatformConfigModule {}
