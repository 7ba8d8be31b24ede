import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { GROUP_TYPES, type GroupType } from './group.entity.js';

const GROUP_NAME = /^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$/;
const nameRule = Matches(GROUP_NAME, { message: 'name must match ^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$' });

export class CreateGroupDto {
  @ApiProperty({ example: 'engineering', pattern: GROUP_NAME.source })
  @IsString()
  @Length(1, 63)
  @nameRule
  name!: string;
  @ApiPropertyOptional({ description: 'Defaults to the name' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  displayName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @ApiPropertyOptional({ enum: GROUP_TYPES, default: 'team' }) @IsOptional() @IsIn(GROUP_TYPES) type?: GroupType;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String })
  @ValidateIf((_dto: object, value: unknown) => value !== null && value !== undefined)
  @IsUUID('all', { message: 'parentId must be a group id (UUID) or null' })
  parentId?: string | null;
}

/** Every field optional; `parentId: null` detaches the group. */
export class UpdateGroupDto extends PartialType(CreateGroupDto) {}

export class ListGroupsQuery {
  @ApiPropertyOptional({ enum: GROUP_TYPES }) @IsOptional() @IsString() @MaxLength(63) type?: string;
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'parentId must be a group id (UUID)' })
  parentId?: string;
}
