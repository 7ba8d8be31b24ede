import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { stringToInteger } from './string-transforms.js';

/** `?limit=&offset=` of a paged list: limit 1–`maxLimit` (default 50), offset ≥ 0; anything else is 400 (§1.2). */
export function PagedQuery(maxLimit: number) {
  class Paged {
    @ApiPropertyOptional({ default: 50, minimum: 1, maximum: maxLimit })
    @Transform(stringToInteger)
    @IsInt({ message: 'limit must be an integer' })
    @Min(1)
    @Max(maxLimit)
    limit: number = 50;

    @ApiPropertyOptional({ default: 0, minimum: 0 })
    @Transform(stringToInteger)
    @IsInt({ message: 'offset must be an integer' })
    @Min(0)
    @Max(2_147_483_647)
    offset: number = 0;
  }
  return Paged;
}
