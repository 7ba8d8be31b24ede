import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
} from 'class-validator';
import { stringToBoolean } from '../common/string-transforms.js';
import { ACCESS_LEVELS } from './application-access.js';

/** Characters, as code points (the CRD counts them so). */
const DisplayName = () => Length(1, 128, { message: '$property must be 1–128 characters' });

/** POST /applications (§3.7). */
export class InstallApplicationDto {
  @ApiProperty({ description: 'Catalog entry to install' })
  @IsInt({ message: '$property must be an integer' })
  catalogTemplateId!: number;
  @ApiPropertyOptional({ minLength: 1, maxLength: 128 }) @IsOptional() @IsString() @DisplayName() displayName?: string;
  @ApiPropertyOptional({ enum: ['kubernetes'] }) @IsOptional() @IsString() platform?: string;
  @ApiPropertyOptional({ type: Object }) @IsOptional() @IsObject() configuration?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], description: 'Groups granted launch access' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  groupIds?: string[];
}

/** PUT /applications/:id: only displayName reaches the ApplicationInstall and the Template. */
export class UpdateApplicationDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 128 }) @IsOptional() @IsString() @DisplayName() displayName?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ type: Object, description: 'Stored and returned, not interpreted' })
  @IsOptional()
  @IsObject()
  configuration?: Record<string, unknown>;
}

export class SetApplicationEnabledDto {
  @ApiProperty() @IsBoolean({ message: '$property must be true or false' }) enabled!: boolean;
}

export class ListApplicationsQuery {
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(stringToBoolean)
  @IsBoolean({ message: '$property must be true or false' })
  enabled?: boolean;
}

/** The level is checked by the service: a bad one has its own 400 body (§3.7). */
export class GrantGroupAccessDto {
  @ApiProperty() @IsString() groupId!: string;
  @ApiPropertyOptional({ enum: ACCESS_LEVELS, default: 'launch' }) @Allow() accessLevel?: unknown;
}

export class SetGroupAccessDto {
  @ApiProperty({ enum: ACCESS_LEVELS }) @Allow() accessLevel?: unknown;
}
