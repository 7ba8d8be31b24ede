import { ApiProperty } from '@nestjs/swagger';
import { formatCpu, formatMemory, formatStorage } from '../kubernetes/quantities.js';
import type { QuotaLimits, QuotaUsage } from './quota-rules.js';

/** `UserQuota` on the wire (api-contract §4.2): all eight banner fields always present. */
export class UserQuotaView {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() username!: string;
  @ApiProperty() maxSessions!: number;
  @ApiProperty() usedSessions!: number;
  @ApiProperty({ example: '4000m' }) maxCpu!: string;
  @ApiProperty({ example: '1000m' }) usedCpu!: string;
  @ApiProperty({ example: '8192Mi' }) maxMemory!: string;
  @ApiProperty({ example: '2048Mi' }) usedMemory!: string;
  @ApiProperty({ example: '100Gi' }) maxStorage!: string;
  @ApiProperty({ example: '50Gi' }) usedStorage!: string;
  @ApiProperty({ example: '2000m' }) maxCpuPerSession!: string;
  @ApiProperty({ example: '4096Mi' }) maxMemoryPerSession!: string;
}

export function toQuotaView(
  user: { id: string; username: string },
  limits: QuotaLimits,
  usage: QuotaUsage,
): UserQuotaView {
  return {
    userId: user.id,
    username: user.username,
    maxSessions: limits.maxSessions,
    usedSessions: usage.sessions,
    maxCpu: formatCpu(limits.maxCpuMillicores),
    usedCpu: formatCpu(usage.cpuMillicores),
    maxMemory: formatMemory(limits.maxMemoryMib),
    usedMemory: formatMemory(usage.memoryMib),
    maxStorage: formatStorage(limits.maxStorageMib),
    usedStorage: formatStorage(usage.homeVolumeMib ?? 0),
    maxCpuPerSession: formatCpu(limits.maxCpuPerSessionMillicores),
    maxMemoryPerSession: formatMemory(limits.maxMemoryPerSessionMib),
  };
}
