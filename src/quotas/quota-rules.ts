import { formatStorage } from '../kubernetes/quantities.js';
import { QUOTA_LIMIT_KEYS, type QuotaLimitValues } from './quota-limit.entity.js';

/** What one session may request (api-contract §3.3 step 5); Template defaults obey it too. */
export const SESSION_CPU_MILLICORES = { min: 100, max: 64_000 };
export const SESSION_MEMORY_MIB = { min: 128, max: 512 * 1024 };

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
  /** A new Session resource, which also counts against `quota.maxTotalSessions` (a wake does not). */
  newSession?: boolean;
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

/** Which quota a §7.4 message is about (the `resource` label). */
export function quotaResource(message: string): 'sessions' | 'cpu' | 'memory' | 'storage' {
  if (message.startsWith('session')) return 'sessions';
  if (/^(total )?CPU/i.test(message)) return 'cpu';
  if (/^(total )?memory/.test(message)) return 'memory';
  return 'storage';
}
