import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { buildDataSourceOptions } from './database.options.js';
import { DatabaseHealthService } from './database-health.service.js';
import { ChangeNotifications } from './change-notifications.js';
import { LeaderElection } from './leader-election.js';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ ...buildDataSourceOptions(config.database), autoLoadEntities: true }),
    }),
  ],
  providers: [DatabaseHealthService, LeaderElection, ChangeNotifications],
  exports: [DatabaseHealthService, LeaderElection, ChangeNotifications],
})
export class DatabaseModule {}
