import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { PagedQuery } from '../common/paging.js';
import { stringToInteger } from '../common/string-transforms.js';

export class DashboardUsersQuery extends PagedQuery(200) {}

export class TimelineQuery {
  @ApiPropertyOptional({ default: 7, minimum: 1, maximum: 90 })
  @Transform(stringToInteger)
  @IsInt({ message: 'days must be an integer' })
  @Min(1)
  @Max(90)
  days: number = 7;
}
