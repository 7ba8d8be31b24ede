import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { stringToInteger } from '../common/string-transforms.js';

export class DashboardUsersQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @Transform(stringToInteger)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @Transform(stringToInteger)
  @IsInt({ message: 'offset must be an integer' })
  @Min(0)
  @Max(2_147_483_647)
  offset: number = 0;
}

export class TimelineQuery {
  @ApiPropertyOptional({ default: 7, minimum: 1, maximum: 90 })
  @Transform(stringToInteger)
  @IsInt({ message: 'days must be an integer' })
  @Min(1)
  @Max(90)
  days: number = 7;
}
