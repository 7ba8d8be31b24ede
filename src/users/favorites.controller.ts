import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../common/principal.js';
import { CurrentUser, Roles } from '../common/roles.decorator.js';
import { ApiError } from '../common/api-error.js';
import { PathKey } from '../common/validation.js';
import { FavoritesService } from './favorites.service.js';

const KEY_PARAMETER = {
  name: 'templateName',
  description: 'Opaque key of 1-255 characters (not checked against templates)',
};

function favoriteKey(templateName: string): string {
  if (templateName.length < 1 || templateName.length > 255)
    throw new ApiError(400, 'Invalid request', 'templateName: must be 1-255 characters');
  return templateName;
}

@ApiTags('preferences')
@Roles('user')
@Controller('preferences/favorites')
export class FavoritesController {
  constructor(private readonly favorites: FavoritesService) {}

  @Get()
  @ApiOperation({ summary: "The caller's favourites, newest first" })
  list(@CurrentUser() caller: Principal) {
    return this.favorites.list(caller.id);
  }

  @Post(':templateName')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add a favourite (idempotent; the key is opaque)' })
  @ApiParam(KEY_PARAMETER)
  async add(@CurrentUser() caller: Principal, @PathKey('templateName') templateName: string) {
    await this.favorites.add(caller.id, favoriteKey(templateName));
    return { message: 'Added to favorites', templateName };
  }

  @Delete(':templateName')
  @ApiOperation({ summary: 'Remove a favourite (idempotent)' })
  @ApiParam(KEY_PARAMETER)
  async remove(@CurrentUser() caller: Principal, @PathKey('templateName') templateName: string) {
    await this.favorites.remove(caller.id, favoriteKey(templateName));
    return { message: 'Removed from favorites', templateName };
  }
}
