import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Expose, Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import {
  APP_TYPES,
  baseImageProblem,
  CAPABILITIES,
  cpuProblem,
  displayNameProblem,
  ENV_NAME,
  iconProblem,
  memoryProblem,
  PORT_NAME,
  portNumberProblem,
  TEMPLATE_NAME,
  tagProblem,
} from './template-rules.js';
import { stringToBoolean } from '../common/string-transforms.js';

type AppType = (typeof APP_TYPES)[number];
type Capability = (typeof CAPABILITIES)[number];

/** A class-validator rule from one of the pure rule functions; the message is its problem. */
function Satisfies(problem: (value: unknown) => string | undefined, options?: ValidationOptions) {
  return (target: object, property: string) =>
    registerDecorator({
      name: problem.name,
      target: target.constructor,
      propertyName: property,
      options: {
        message: ({ value, property: name }) => {
          const items: unknown[] = options?.each && Array.isArray(value) ? value : [value];
          const first = items.map(problem).find(Boolean);
          return options?.each ? `${name} items ${first}` : `${name} ${first}`;
        },
        ...options,
      },
      validator: { validate: (value: unknown) => problem(value) === undefined },
    });
}

// Optional fields use IsOptional: absent or null skips the checks (null removes the field on
// PATCH and is ignored on create).

/** For required fields on PATCH: absent is fine, null is not (they cannot be removed). */
const UnlessAbsent = () => ValidateIf((_dto: object, value: unknown) => value !== undefined);

export class TemplatePortDto {
  @ApiPropertyOptional({ pattern: PORT_NAME.source })
  @IsOptional()
  @Matches(PORT_NAME, { message: `$property must match ${PORT_NAME.source}` })
  name?: string;

  @ApiProperty({ minimum: 1, maximum: 65535 }) @Satisfies(portNumberProblem) containerPort!: number;

  @ApiPropertyOptional({ enum: ['TCP', 'UDP'], default: 'TCP' }) @IsOptional() @IsIn(['TCP', 'UDP']) protocol?:
    'TCP' | 'UDP';
}

export class TemplateEnvDto {
  @ApiProperty({ pattern: ENV_NAME.source })
  @IsString()
  @Matches(ENV_NAME, { message: `$property must match ${ENV_NAME.source}` })
  name!: string;

  @ApiProperty() @IsString() value!: string;
}

export class TemplateVncDto {
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ default: 3000, minimum: 1, maximum: 65535 })
  @IsOptional()
  @Satisfies(portNumberProblem)
  port?: number;
}

export class TemplateResourcesDto {
  @ApiPropertyOptional({ example: '2Gi', description: '128Mi–512Gi' })
  @IsOptional()
  @Satisfies(memoryProblem)
  memory?: string;
  @ApiPropertyOptional({ example: '1000m', description: '100m–64000m' })
  @IsOptional()
  @Satisfies(cpuProblem)
  cpu?: string;
}

const NestedObject = (type: () => new () => object) => applyDecorators(IsObject(), ValidateNested(), Type(type));
const NestedArray = (type: () => new () => object, max: number) =>
  applyDecorators(IsArray(), ArrayMaxSize(max), ValidateNested({ each: true }), Type(type));

/** The optional fields of TemplateInput (§4.7), shared by create and update. */
class TemplateFieldsDto {
  @ApiPropertyOptional({ maxLength: 4096, default: '' }) @IsOptional() @IsString() @MaxLength(4096) description?:
    string | null;
  @ApiPropertyOptional({ maxLength: 128, default: 'Other' }) @IsOptional() @IsString() @MaxLength(128) category?:
    string | null;
  @ApiPropertyOptional({ description: 'http(s) URL or ""', maxLength: 2048 })
  @IsOptional()
  @Satisfies(iconProblem)
  icon?: string | null;

  @ApiPropertyOptional({ enum: APP_TYPES, default: 'desktop' })
  @IsOptional()
  @IsIn(APP_TYPES, { message: '$property must be desktop or webapp' })
  appType?: AppType | null;

  @ApiPropertyOptional({ type: TemplateResourcesDto })
  @IsOptional()
  @NestedObject(() => TemplateResourcesDto)
  defaultResources?: TemplateResourcesDto | null;
  @ApiPropertyOptional({ type: [TemplatePortDto], maxItems: 16 })
  @IsOptional()
  @NestedArray(() => TemplatePortDto, 16)
  ports?: TemplatePortDto[] | null;
  @ApiPropertyOptional({ type: [TemplateEnvDto], maxItems: 128 })
  @IsOptional()
  @NestedArray(() => TemplateEnvDto, 128)
  env?: TemplateEnvDto[] | null;
  @ApiPropertyOptional({ type: TemplateVncDto })
  @IsOptional()
  @NestedObject(() => TemplateVncDto)
  vnc?: TemplateVncDto | null;

  @ApiPropertyOptional({ enum: CAPABILITIES, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(CAPABILITIES, { each: true, message: `$property must contain only ${CAPABILITIES.join(', ')}` })
  capabilities?: Capability[] | null;

  @ApiPropertyOptional({ type: [String], maxItems: 32 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @Satisfies(tagProblem, { each: true })
  tags?: string[] | null;

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() featured?: boolean | null;
}

export class CreateTemplateDto extends TemplateFieldsDto {
  @ApiProperty({ example: 'firefox', pattern: TEMPLATE_NAME.source, maxLength: 63 })
  @IsString()
  @MaxLength(63)
  @Matches(TEMPLATE_NAME, { message: `$property must match ${TEMPLATE_NAME.source}` })
  name!: string;

  @ApiProperty({ example: 'Firefox', minLength: 1, maxLength: 128 })
  @Satisfies(displayNameProblem)
  displayName!: string;
  @ApiProperty({ example: 'lscr.io/linuxserver/firefox:latest', maxLength: 512 })
  @Satisfies(baseImageProblem)
  baseImage!: string;
}

/** PATCH body: any subset except `name` (stripped); null removes an optional field. */
export class UpdateTemplateDto extends TemplateFieldsDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 128 })
  @UnlessAbsent()
  @Satisfies(displayNameProblem)
  displayName?: string;
  @ApiPropertyOptional({ maxLength: 512 }) @UnlessAbsent() @Satisfies(baseImageProblem) baseImage?: string;
}

/**
 * `?tags=a&tags=b`, `?tags[]=a` (Express 5's simple parser keeps that as its own key) and
 * `?tags=a,b`, merged; blanks dropped.
 */
export function queryTags(query: Record<string, unknown>): string[] {
  return [query.tags, query['tags[]']]
    .flat()
    .filter((value): value is string => typeof value === 'string')
    .flatMap((value) => value.split(','))
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

export const TEMPLATE_SORTS = ['name', 'created', 'popularity'] as const;
export type TemplateSort = (typeof TEMPLATE_SORTS)[number];

export class ListTemplatesQuery {
  @ApiPropertyOptional({ description: 'Case-insensitive exact match' }) @IsOptional() @IsString() category?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of name, displayName, description or a tag' })
  @IsOptional()
  @IsString()
  search?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'All of them (case-insensitive): repeated, tags[] or comma-separated',
  })
  @Expose()
  @Transform(({ obj }) => queryTags(obj as Record<string, unknown>))
  @IsString({ each: true })
  tags: string[] = [];

  @ApiPropertyOptional({ type: Boolean, description: 'true keeps featured templates only' })
  @IsOptional()
  @Transform(stringToBoolean)
  @IsBoolean({ message: '$property must be true or false' })
  featured?: boolean;

  @ApiPropertyOptional({ enum: APP_TYPES })
  @IsOptional()
  @IsIn(APP_TYPES, { message: '$property must be desktop or webapp' })
  appType?: AppType;

  @ApiPropertyOptional({ enum: TEMPLATE_SORTS, default: 'name' })
  @IsOptional()
  @IsIn(TEMPLATE_SORTS, { message: '$property must be name, created or popularity' })
  sort?: TemplateSort;
}
