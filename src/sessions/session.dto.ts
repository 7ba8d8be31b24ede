import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
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
import { SESSION_STATES, type SessionState } from '../kubernetes/resources.js';

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

/** Body of PATCH /sessions/:id (§3.3): a missing or other state is §3.3's own 400. */
export class UpdateSessionStateDto {
  @ApiProperty({ enum: SESSION_STATES })
  @IsIn(SESSION_STATES, {
    message: 'Invalid state. Must be: running, hibernated, or terminated',
    context: { error: 'Invalid state' },
  })
  state!: SessionState;
}

/** The tags route's rules in its own words (§3.3), checked in this order. */
function tagListProblem(tags: unknown): string | undefined {
  if (!Array.isArray(tags)) return 'tags must be an array of strings';
  for (const tag of tags as unknown[])
    if (typeof tag !== 'string' || tag.length > 63 || !TAG.test(tag))
      return `Tag '${typeof tag === 'string' ? tag : JSON.stringify(tag)}' must be lower-case letters, digits and '-' (max 63)`;
  if (tags.length > MAX_TAGS) return `At most ${MAX_TAGS} tags are allowed`;
  return undefined;
}

@ValidatorConstraint({ name: 'tagList' })
class TagList implements ValidatorConstraintInterface {
  validate(tags: unknown) {
    return tagListProblem(tags) === undefined;
  }
  defaultMessage(args: ValidationArguments) {
    return tagListProblem(args.value) ?? '';
  }
}

/** Body of PATCH /sessions/:id/tags (§3.3): duplicates dropped (first occurrence wins), then checked. */
export class UpdateSessionTagsDto {
  @ApiProperty({ type: [String], example: ['dev', 'project-x'], maxItems: MAX_TAGS })
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? [...new Set(value as unknown[])] : value))
  @Validate(TagList, { context: { error: 'Invalid tags' } })
  tags!: string[];
}

export class ListSessionsQuery {
  @ApiPropertyOptional({ description: 'Only this owner (operators and admins; users may name themselves)' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  user?: string;
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
