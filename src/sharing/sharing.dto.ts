import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { PERMISSION_LEVELS, type PermissionLevel } from '../sessions/share-rules.js';

export class CreateShareDto {
  @ApiProperty({ description: "The user's id (UUID) or username" })
  @IsString()
  @Length(1, 63)
  sharedWithUserId!: string;

  @ApiProperty({ enum: PERMISSION_LEVELS })
  @IsIn(PERMISSION_LEVELS)
  permissionLevel!: PermissionLevel;

  @ApiPropertyOptional({ format: 'date-time', description: 'In the future; none = until revoked' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class CreateInvitationDto {
  @ApiProperty({ enum: PERMISSION_LEVELS })
  @IsIn(PERMISSION_LEVELS)
  permissionLevel!: PermissionLevel;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  maxUses?: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'In the future; none = until used up or revoked' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class AcceptInvitationDto {
  @ApiPropertyOptional({
    description: 'Operators and admins: accept for this user (id or username); ignored otherwise',
  })
  @IsOptional()
  @IsString()
  @Length(1, 63)
  userId?: string;
}
