import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'user_favorites' })
export class FavoriteEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId!: string;
  /** Opaque key: a template name or an installed application id (§3.2). */
  @PrimaryColumn({ name: 'template_name', type: 'text' }) templateName!: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
}
