import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { FavoriteEntity } from './favorite.entity.js';

/** A user's favourite keys (§3.2): opaque, never checked against templates. */
@Injectable()
export class FavoritesService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(userId: string): Promise<{ favorites: { templateName: string; addedAt: string }[]; total: number }> {
    const rows = await this.db.manager.find(FavoriteEntity, {
      where: { userId },
      order: { createdAt: 'DESC', templateName: 'ASC' },
    });
    const favorites = rows.map((row) => ({ templateName: row.templateName, addedAt: row.createdAt.toISOString() }));
    return { favorites, total: favorites.length };
  }

  /** Idempotent: an existing favourite keeps its original time. */
  async add(userId: string, templateName: string): Promise<void> {
    await this.db.manager
      .createQueryBuilder()
      .insert()
      .into(FavoriteEntity)
      .values({ userId, templateName })
      .orIgnore()
      .execute();
  }

  async remove(userId: string, templateName: string): Promise<void> {
    await this.db.manager.delete(FavoriteEntity, { userId, templateName });
  }
}
