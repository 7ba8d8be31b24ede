import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Validate,
  ValidateNested,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { DURATION_PATTERN, durationSeconds } from '../common/durations.js';
import { ApiError } from '../common/api-error.js';

export const TAG = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
export const MAX_TAGS = 20;
const TEMPLATE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A duration string within [min, max] seconds (§3.3: idle 1m–24h, maximum 1m–168h). */
@ValidatorConstraint({ name: 'durationWithin' })
class DurationWithin implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments) {
    const [min, max] = args.constraints as [number, number];
    const seconds = typeof value === 'string' && value.length <= 10 ? durationSeconds(value) : undefined;
    return seconds !== undefined && seconds >= min && seconds <= max;
  }
  defaultMessage(args: ValidationArguments) {
    const [, , range] = args.constraints as [number, number, string];
    return `${args.property} must be a duration like 30m or 8h (${DURATION_PATTERN.source}) between ${range}`;
  }
}

export class SessionResourcesDto {
  @ApiPropertyOptional({ example: '2Gi' }) @IsOptional() @IsString() @MaxLength(32) memory?: string;
  @ApiPropertyOptional({ example: '1000m' }) @IsOptional() @IsString() @MaxLength(32) cpu?: string;
}

/** Body of POST /sessions (§4.4). Unknown fields (the UI sends name, namespace, state) are dropped. */
export class CreateSessionDto {
  @ApiPropertyOptional({ description: 'Owner username; others than yourself need operator or admin' })
  @IsOptional()
  @IsString()
  @Length(1, 63)
  user?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Installed application to launch; wins over template' })
  @IsOptional()
  @IsUUID('all', { message: 'applicationId must be a UUID' })
  applicationId?: string;

  @ApiPropertyOptional({ example: 'firefox', description: 'Required without applicationId' })
  @IsOptional()
  @IsString()
  @Length(1, 63)
  @Matches(TEMPLATE_NAME, { message: `template must match ${TEMPLATE_NAME.source}` })
  template?: string;

  @ApiPropertyOptional({ type: SessionResourcesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SessionResourcesDto)
  resources?: SessionResourcesDto;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() persistentHome?: boolean;

  @ApiPropertyOptional({ example: '30m' })
  @IsOptional()
  @Validate(DurationWithin, [60, 24 * 3600, '1m and 24h'])
  idleTimeout?: string;

  @ApiPropertyOptional({ example: '8h' })
  @IsOptional()
  @Validate(DurationWithin, [60, 168 * 3600, '1m and 168h'])
  maxSessionDuration?: string;

  @ApiPropertyOptional({ type: [String], example: ['dev'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @Length(1, 63, { each: true })
  @Matches(TAG, { each: true, message: `each tag must match ${TAG.source}` })
  tags?: string[];
}

export class UpdateSessionStateDto {
  @ApiProperty({ enum: ['running', 'hibernated', 'terminated'] }) state!: 'running' | 'hibernated' | 'terminated';
}

export class UpdateSessionTagsDto {
  @ApiProperty({ type: [String], example: ['dev', 'project-x'] }) tags!: string[];
}

export class ListSessionsQuery {
  @ApiPropertyOptional({ description: 'Only this owner (operators and admins; users may name themselves)' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  user?: string;
}

const invalidTags = (message: string) => new ApiError(400, 'Invalid tags', message);

/** The tags route's own rules and messages (§3.3): validated, first occurrence wins. */
export function parseTags(body: unknown): string[] {
  const tags = (body as { tags?: unknown } | null)?.tags;
  if (!Array.isArray(tags)) throw invalidTags('tags must be an array of strings');
  for (const tag of tags)
    if (typeof tag !== 'string' || tag.length > 63 || !TAG.test(tag))
      throw invalidTags(`Tag '${String(tag)}' must be lower-case letters, digits and '-' (max 63)`);
  const unique = [...new Set(tags as string[])];
  if (unique.length > MAX_TAGS) throw invalidTags(`At most ${MAX_TAGS} tags are allowed`);
  return unique;
}

/** `tags`, `tags[]` and comma lists merged (Express 5's simple parser keeps `tags[]` as its own key). */
export function tagsFromQuery(query: Record<string, unknown>): string[] {
  const raw = [query.tags, query['tags[]']].flat().filter((value): value is string => typeof value === 'string');
  return [
    ...new Set(
      raw
        .flatMap((value) => value.split(','))
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}
