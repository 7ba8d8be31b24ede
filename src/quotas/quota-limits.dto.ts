import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min, ValidateIf, registerDecorator, type ValidationOptions } from 'class-validator';
import { cpuMillicores, formatCpu, formatMemory, formatStorage, memoryMib } from '../kubernetes/quantities.js';
import type { QuotaLimitValues } from './quota-limit.entity.js';

const INT_MAX = 2_147_483_647;

/** A quantity string whose integer form (millicores or MiB) fits the quota columns. */
function IsQuantity(kind: 'cpu' | 'memory', options?: ValidationOptions) {
  const parse = kind === 'cpu' ? cpuMillicores : memoryMib;
  return (target: object, property: string) =>
    registerDecorator({
      target: target.constructor,
      propertyName: property,
      options: {
        message: `$property must be a ${kind === 'cpu' ? 'CPU' : 'memory'} quantity such as ${kind === 'cpu' ? '"4000m" or "4"' : '"8Gi" or "512Mi"'}, or null`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => {
          const parsed = typeof value === 'string' ? parse(value) : undefined;
          return parsed !== undefined && parsed <= INT_MAX;
        },
      },
    });
}

const unlessNullOrAbsent = ValidateIf((_dto: object, value: unknown) => value !== null && value !== undefined);

/**
 * Body of PUT /users/:id/quota and /groups/:id/quota (§3.15): an omitted field stays as it is,
 * `null` clears it so the platform default (or no group cap) applies again.
 */
export class QuotaLimitsDto {
  @ApiPropertyOptional({ type: Number, nullable: true, example: 5 })
  @unlessNullOrAbsent
  @IsInt()
  @Min(0)
  @Max(INT_MAX)
  maxSessions?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '4000m' })
  @unlessNullOrAbsent
  @IsQuantity('cpu')
  maxCpu?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '8Gi' })
  @unlessNullOrAbsent
  @IsQuantity('memory')
  maxMemory?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '2000m' })
  @unlessNullOrAbsent
  @IsQuantity('cpu')
  maxCpuPerSession?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '4Gi' })
  @unlessNullOrAbsent
  @IsQuantity('memory')
  maxMemoryPerSession?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '100Gi' })
  @unlessNullOrAbsent
  @IsQuantity('memory')
  maxStorage?: string | null;
}

/** The columns this body changes: absent keys are left out, null stays null. */
export function toQuotaColumns(dto: QuotaLimitsDto): Partial<QuotaLimitValues> {
  const columns: Partial<QuotaLimitValues> = {};
  const convert = <V>(value: V | null | undefined, parse: (v: V) => number | undefined) =>
    value === null ? null : parse(value as V)!;
  if (dto.maxSessions !== undefined) columns.maxSessions = dto.maxSessions;
  if (dto.maxCpu !== undefined) columns.maxCpuMillicores = convert(dto.maxCpu, cpuMillicores);
  if (dto.maxMemory !== undefined) columns.maxMemoryMib = convert(dto.maxMemory, memoryMib);
  if (dto.maxCpuPerSession !== undefined)
    columns.maxCpuPerSessionMillicores = convert(dto.maxCpuPerSession, cpuMillicores);
  if (dto.maxMemoryPerSession !== undefined)
    columns.maxMemoryPerSessionMib = convert(dto.maxMemoryPerSession, memoryMib);
  if (dto.maxStorage !== undefined) columns.maxStorageMib = convert(dto.maxStorage, memoryMib);
  return columns;
}

/** A group's own quota row on the wire: `null` = no cap from this group. */
export function toGroupQuotaView(groupId: string, row: Partial<QuotaLimitValues> | null) {
  const or = <T>(value: number | null | undefined, format: (n: number) => T) =>
    value === null || value === undefined ? null : format(value);
  return {
    groupId,
    maxSessions: row?.maxSessions ?? null,
    maxCpu: or(row?.maxCpuMillicores, formatCpu),
    maxMemory: or(row?.maxMemoryMib, formatMemory),
    maxCpuPerSession: or(row?.maxCpuPerSessionMillicores, formatCpu),
    maxMemoryPerSession: or(row?.maxMemoryPerSessionMib, formatMemory),
    maxStorage: or(row?.maxStorageMib, formatStorage),
  };
}
