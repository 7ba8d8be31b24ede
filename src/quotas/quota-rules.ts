import { formatStorage } from './quantities.js';
import { QUOTA_LIMIT_KEYS, type QuotaLimitValues } from './quota-limit.entity.js';

/** Effective limits of one user (api-contract §7.2); integers in sessions, millicores and MiB. */
export type QuotaLimits = { [K in keyof QuotaLimitValues]: number };

/** What a user's running sessions hold (§7.3). `homeVolumeMib` undefined = no home volume yet. */
export interface QuotaUsage {
  sessions: number;
  cpuMillicores: number;
  memoryMib: number;
  homeVolumeMib: number | undefined;
}

/** The session about to start: its resolved resources and, when it keeps a home, the volume size. */
export interface QuotaDemand {
  cpuMillicores: number;
  memoryMib: number;
  homeVolumeMib?: number;
}

/** Defaults, then the user's non-NULL values, then each group value can only lower a limit. */
export function composeLimits(
  defaults: QuotaLimits,
  user: Partial<QuotaLimitValues> | null,
  groups: Partial<QuotaLimitValues>[],
): QuotaLimits {
  const limits = { ...defaults };
  for (const key of QUOTA_LIMIT_KEYS) {
    const own = user?.[key];
    if (own !== null && own !== undefined) limits[key] = own;
    for (const group of groups) {
      const cap = group[key];
      if (cap !== null && cap !== undefined) limits[key] = Math.min(limits[key], cap);
    }
  }
  return limits;
}

/** The message of the first failing check, in the order of §7.4, or undefined when it fits. */
export function firstQuotaViolation(limits: QuotaLimits, usage: QuotaUsage, demand: QuotaDemand): string | undefined {
  if (usage.sessions + 1 > limits.maxSessions)
    return `session quota exceeded: ${usage.sessions}/${limits.maxSessions} sessions active`;
  if (demand.cpuMillicores > limits.maxCpuPerSessionMillicores)
    return `CPU quota exceeded: requested ${demand.cpuMillicores}m, limit is ${limits.maxCpuPerSessionMillicores}m per session`;
  if (demand.memoryMib > limits.maxMemoryPerSessionMib)
    return `memory quota exceeded: requested ${demand.memoryMib}Mi, limit is ${limits.maxMemoryPerSessionMib}Mi per session`;
  const cpu = usage.cpuMillicores + demand.cpuMillicores;
  if (cpu > limits.maxCpuMillicores)
    return `total CPU quota exceeded: would use ${cpu}m, limit is ${limits.maxCpuMillicores}m`;
  const memory = usage.memoryMib + demand.memoryMib;
  if (memory > limits.maxMemoryMib)
    return `total memory quota exceeded: would use ${memory}Mi, limit is ${limits.maxMemoryMib}Mi`;
  const home = demand.homeVolumeMib;
  if (home !== undefined && usage.homeVolumeMib === undefined) return storageViolation(home, limits.maxStorageMib);
  return undefined;
}

/** Check 6 alone: a new home volume of `neededMib` against the storage limit. */
export function storageViolation(neededMib: number, maxStorageMib: number): string | undefined {
  return neededMib > maxStorageMib
    ? `storage quota exceeded: home volume needs ${formatStorage(neededMib)}, limit is ${formatStorage(maxStorageMib)}`
    : undefined;
}
