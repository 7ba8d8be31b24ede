import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { stringToBoolean, stringToInteger } from '../common/string-transforms.js';
import { DNS_LABEL } from './resource-policy.js';

export class NamespaceQuery {
  @ApiPropertyOptional({ description: 'Default: NAMESPACE' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  @Matches(DNS_LABEL, { message: 'must be a DNS label' })
  namespace?: string;
}

export class LabelSelectorQuery {
  @ApiPropertyOptional({ description: 'Passed to Kubernetes as is' })
  @IsOptional()
  @IsString()
  labelSelector?: string;
}

export class NamespacedListQuery extends IntersectionType(NamespaceQuery, LabelSelectorQuery) {}

export class PodLogQuery {
  @ApiPropertyOptional({ description: 'Default: the first container of the pod spec' })
  @IsOptional()
  @IsString()
  container?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10000, default: 100 })
  @IsOptional()
  @Transform(stringToInteger)
  @IsInt()
  @Min(1)
  @Max(10000)
  tailLines?: number;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @Transform(stringToBoolean)
  @IsBoolean()
  follow?: boolean;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @Transform(stringToBoolean)
  @IsBoolean()
  timestamps?: boolean;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @Transform(stringToBoolean)
  @IsBoolean()
  previous?: boolean;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @Transform(stringToInteger)
  @IsInt()
  @Min(1)
  sinceSeconds?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 10 * 1024 * 1024,
    default: 10 * 1024 * 1024,
    description:
      'Non-follow reads stop after this many bytes; a cut log ends with a notice line and sets X-Log-Truncated-At',
  })
  @IsOptional()
  @Transform(stringToInteger)
  @IsInt()
  @Min(1)
  @Max(10 * 1024 * 1024)
  limitBytes?: number;
}
