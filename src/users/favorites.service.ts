import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { PlatformConfigService } from '../platform-config/platform-config.service.js';
import { FavoriteEntity } from './favorite.entity.js';

/** A user's favourite keys (§3.2): opaque, never checked against templates. */
@Injectable()
export class FavoritesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly platformConfig: PlatformConfigService,
  ) {}

  async list(userId: string): Promise<{ favorites: { templateName: string; addedAt: string }[]; total: number }> {
    const rows = await this.db.manager.find(FavoriteEntity, {
      where: { userId },
      order: { createdAt: 'DESC', templateName: 'ASC' },
    });
    const favorites = rows.map((row) => ({ templateName: row.templateName, addedAt: row.createdAt.toISOString() }));
    return { favorites, total: favorites.length };
  }

  /**
   * Idempotent: an existing favourite keeps its original time. A new one beyond
   * `limits.favoritesPerUser` is refused; the user's lock makes the count exact under parallel adds.
   */
  async add(userId: string, templateName: string): Promise<void> {
    const limit = this.platformConfig.settings().limits.favoritesPerUser;
    await this.db.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
        'streamspace:favorites',
        userId,
      ]);
      const [{ total, present }] = await manager.query<{ total: number; present: boolean }[]>(
        `SELECT count(*)::int AS total, bool_or(template_name = $2) AS present FROM user_favorites WHERE user_id = $1`,
        [userId, templateName],
      );
      if (present) return;
      if (total >= limit)
        throw new ApiError(
          409,
          'Too many favorites',
          `You have ${total} favorites, the most allowed; remove one first`,
        );
      await manager.insert(FavoriteEntity, { userId, templateName });
    });
  }

  async remove(userId: string, templateName: string): Promise<void> {
    await this.db.manager.delete(FavoriteEntity, { userId, templateName });
  }
}
