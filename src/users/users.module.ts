import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QuotasModule } from '../quotas/quotas.module.js';
import { FavoriteEntity } from './favorite.entity.js';
import { FavoritesController } from './favorites.controller.js';
import { FavoritesService } from './favorites.service.js';
import { GroupEntity, GroupMembershipEntity } from './group.entity.js';
import { GroupsController } from './groups.controller.js';
import { GroupsService } from './groups.service.js';
import { PasswordHasher } from './password-hasher.js';
import { PrincipalChanges } from './principal-changes.js';
import { UserEntity } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, GroupEntity, GroupMembershipEntity, FavoriteEntity]), QuotasModule],
  controllers: [UsersController, GroupsController, FavoritesController],
  providers: [UsersService, GroupsService, FavoritesService, PasswordHasher, PrincipalChanges],
  exports: [UsersService, PasswordHasher, PrincipalChanges],
})
export class UsersModule {}
