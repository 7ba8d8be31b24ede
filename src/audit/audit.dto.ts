import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ROLES, type Role } from '../common/principal.js';
import { stringToInteger } from '../common/string-transforms.js';
import type { AuditEntryEntity, AuditOutcome } from './audit-entry.entity.js';

/** `GET /audit` filters and paging (§3.16). */
export class AuditQuery {
  @ApiPropertyOptional({ description: 'Actor username' }) @IsOptional() @IsString() @MaxLength(63) actor?: string;

  @ApiPropertyOptional({ description: 'Exact action, or a prefix ending in "." (e.g. `node.`)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) targetKind?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(253) targetName?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an RFC 3339 timestamp' })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an RFC 3339 timestamp' })
  until?: string;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @Transform(stringToInteger)
  @IsInt({ message: 'page must be an integer' })
  @Min(1)
  @Max(1_000_000)
  page: number = 1;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @Transform(stringToInteger)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(200)
  limit: number = 50;
}

/** `AuditEntry` on the wire (§3.16). */
export class AuditEntryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorId!: string | null;
  @ApiProperty() actorUsername!: string;
  @ApiProperty({ enum: ROLES }) actorRole!: Role;
  @ApiProperty({ example: 'node.drain' }) action!: string;
  @ApiProperty() targetKind!: string;
  @ApiProperty() targetName!: string;
  @ApiPropertyOptional() targetNamespace?: string;
  @ApiProperty({ enum: ['success', 'refused', 'failed'] }) outcome!: AuditOutcome;
  @ApiProperty() status!: number;
  @ApiProperty() requestId!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) details?: Record<string, unknown>;
}

export class AuditPage {
  @ApiProperty({ type: [AuditEntryView] }) entries!: AuditEntryView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}

export function toAuditEntryView(row: AuditEntryEntity): AuditEntryView {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorUsername: row.actorUsername,
    actorRole: row.actorRole,
    action: row.action,
    targetKind: row.targetKind,
    targetName: row.targetName,
    ...(row.targetNamespace !== null && { targetNamespace: row.targetNamespace }),
    outcome: row.outcome,
    status: row.status,
    requestId: row.requestId,
    ...(row.details !== null && { details: row.details }),
  };
}
