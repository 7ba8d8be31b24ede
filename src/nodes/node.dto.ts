import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { TAINT_EFFECTS } from './node-changes.js';

/** Label and taint bodies are checked by parseLabel/parseTaint: their 400s have their own labels (§3.8). */
export class LabelBodyDoc {
  @ApiProperty({ example: 'example.com/team' }) key!: string;
  @ApiProperty({ example: 'blue' }) value!: string;
}

export class TaintBodyDoc {
  @ApiProperty({ example: 'dedicated' }) key!: string;
  @ApiPropertyOptional({ example: 'gpu' }) value?: string;
  @ApiProperty({ enum: TAINT_EFFECTS }) effect!: string;
}

export class DrainNodeDto {
  /** The UI's spelling; wins over gracePeriodSeconds. */
  @ApiPropertyOptional({ minimum: 0, maximum: 3600, example: 30 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3600)
  grace_period_seconds?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 3600 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3600)
  gracePeriodSeconds?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 300, default: 60 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(300)
  timeoutSeconds?: number;
}

export class RemoveTaintQuery {
  @ApiPropertyOptional({ enum: TAINT_EFFECTS, description: 'Remove only the taint with this effect' })
  @IsOptional()
  @IsString()
  effect?: string;
}
