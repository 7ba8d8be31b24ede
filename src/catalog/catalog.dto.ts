import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Min } from 'class-validator';
import { stringToBoolean, stringToInteger } from '../common/string-transforms.js';
import { APP_TYPES } from '../templates/template-rules.js';

export const CATALOG_SORTS = ['name', 'popular', 'installs', 'rating', 'recent', 'views'] as const;
export type CatalogSort = (typeof CATALOG_SORTS)[number];
/** Larger pages are clamped, not refused: the UI asks for 100 and expects everything (§3.6). */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Query of GET /catalog/templates (§3.6). */
export class ListCatalogQuery {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of name, displayName, description or a tag' })
  @IsOptional()
  @IsString()
  search?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive exact match' }) @IsOptional() @IsString() category?: string;
  @ApiPropertyOptional({ description: 'Exact element of tags' }) @IsOptional() @IsString() tag?: string;

  @ApiPropertyOptional({ enum: APP_TYPES })
  @IsOptional()
  @IsIn(APP_TYPES, { message: '$property must be desktop or webapp' })
  appType?: (typeof APP_TYPES)[number];

  @ApiPropertyOptional({ type: Boolean, description: 'true keeps featured entries only' })
  @IsOptional()
  @Transform(stringToBoolean)
  @IsBoolean({ message: '$property must be true or false' })
  featured?: boolean;

  @ApiPropertyOptional({ enum: CATALOG_SORTS, default: 'name' })
  @IsOptional()
  @IsIn(CATALOG_SORTS, { message: `$property must be one of ${CATALOG_SORTS.join(', ')}` })
  sort?: CatalogSort;

  @ApiPropertyOptional({ type: Number, minimum: 1, default: 1 })
  @IsOptional()
  @Transform(stringToInteger)
  @IsInt({ message: '$property must be an integer' })
  @Min(1)
  page?: number;

  @ApiPropertyOptional({
    type: Number,
    minimum: 1,
    default: DEFAULT_PAGE_SIZE,
    description: 'Values above 100 are clamped to 100',
  })
  @IsOptional()
  @Transform(stringToInteger)
  @IsInt({ message: '$property must be an integer' })
  @Min(1)
  limit?: number;
}
