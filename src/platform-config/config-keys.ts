import { durationSeconds } from '../common/durations.js';
import type { AppConfig } from '../config/app-config.js';
import { cpuMillicores, memoryMib } from '../kubernetes/quantities.js';

const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const MAX_UNKNOWN_VALUE_LENGTH = 4096;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

/** The rule a stored string must satisfy; returns the problem, or undefined when fine. */
type Rule = (value: string) => string | undefined;

const duration =
  (min: number, max: number, range: string): Rule =>
  (value) => {
    const seconds = durationSeconds(value);
    return seconds !== undefined && seconds >= min && seconds <= max
      ? undefined
      : `must be a duration like 30m between ${range}`;
  };
const oneOf =
  (...choices: string[]): Rule =>
  (value) =>
    choices.includes(value) ? undefined : `must be one of ${choices.join(', ')}`;
const boolean = oneOf('true', 'false');
const cpu =
  (min = 0, max = Number.MAX_SAFE_INTEGER): Rule =>
  (value) => {
    const millicores = cpuMillicores(value);
    return millicores !== undefined && millicores >= min && millicores <= max
      ? undefined
      : `must be a CPU quantity${min ? ` between ${min}m and ${max}m` : ''}`;
  };
const memory =
  (min = 0, max = Number.MAX_SAFE_INTEGER, range = ''): Rule =>
  (value) => {
    const mib = memoryMib(value);
    return mib !== undefined && mib >= min && mib <= max ? undefined : `must be a memory quantity${range}`;
  };
const integer =
  (min: number, max: number): Rule =>
  (value) =>
    /^[0-9]+$/.test(value) && Number(value) >= min && Number(value) <= max
      ? undefined
      : `must be an integer ${min}-${max} (digits only)`;
const optionalDnsSubdomain: Rule = (value) =>
  value === '' || DNS_SUBDOMAIN.test(value) ? undefined : 'must be empty or a DNS subdomain';

/** The known keys of api-contract §6.8: default and rule. */
export const CONFIG_KEYS: Record<string, { defaultValue: (config: AppConfig) => string; rule: Rule }> = {
  'session.defaultIdleTimeout': { defaultValue: () => '30m', rule: duration(60, 24 * 3600, '1m and 24h') },
  'session.defaultMaxSessionDuration': { defaultValue: () => '8h', rule: duration(60, 168 * 3600, '1m and 168h') },
  'session.enableAutoHibernation': { defaultValue: () => 'true', rule: boolean },
  'session.autoHibernateDelay': { defaultValue: () => '30m', rule: duration(60, 24 * 3600, '1m and 24h') },
  'session.urlTemplate': {
    defaultValue: () => '',
    rule: (value) => (value === '' || value.includes('{name}') ? undefined : 'must be empty or contain {name}'),
  },
  'resources.defaultMemory': { defaultValue: () => '2Gi', rule: memory(128, 512 * 1024, ' between 128Mi and 512Gi') },
  'resources.defaultCPU': { defaultValue: () => '1000m', rule: cpu(100, 64_000) },
  'quota.defaultMaxSessions': {
    defaultValue: () => '5',
    rule: (value) =>
      /^[0-9]+$/.test(value) && Number(value) <= 1000 ? undefined : 'must be an integer 0-1000 (digits only)',
  },
  'quota.defaultMaxCpu': { defaultValue: () => '4000m', rule: cpu() },
  'quota.defaultMaxMemory': { defaultValue: () => '8Gi', rule: memory() },
  'quota.defaultMaxCpuPerSession': { defaultValue: () => '2000m', rule: cpu() },
  'quota.defaultMaxMemoryPerSession': { defaultValue: () => '4Gi', rule: memory() },
  'quota.defaultMaxStorage': { defaultValue: () => '100Gi', rule: memory() },
  'quota.maxTotalSessions': { defaultValue: () => '20', rule: integer(1, 1000) },
  'limits.connectionsPerSession': { defaultValue: () => '50', rule: integer(1, 1000) },
  'limits.websocketsPerUser': { defaultValue: () => '20', rule: integer(1, 1000) },
  'limits.favoritesPerUser': { defaultValue: () => '500', rule: integer(1, 10_000) },
  'storage.homeSize': { defaultValue: () => '50Gi', rule: memory() },
  'storage.className': { defaultValue: () => '', rule: optionalDnsSubdomain },
  'storage.accessMode': { defaultValue: () => 'ReadWriteMany', rule: oneOf('ReadWriteOnce', 'ReadWriteMany') },
  'ingress.enabled': { defaultValue: () => 'true', rule: boolean },
  'ingress.domain': {
    defaultValue: (config) => config.ingress.domain,
    rule: (value) => (DNS_SUBDOMAIN.test(value) ? undefined : 'must be a DNS subdomain'),
  },
  'ingress.className': { defaultValue: (config) => config.ingress.className, rule: optionalDnsSubdomain },
  'ingress.scheme': { defaultValue: () => 'https', rule: oneOf('http', 'https') },
  'ingress.tlsSecretName': { defaultValue: () => '', rule: optionalDnsSubdomain },
};

/** The problem with setting `key` to `value`, or undefined when it may be stored. */
export function configValueProblem(key: string, value: unknown): string | undefined {
  if (!CONFIG_MAP_KEY.test(key))
    return 'is not a valid key (letters, digits, "-", "_" and ".", at most 253 characters)';
  if (typeof value !== 'string') return 'must be a string, or null to remove the key';
  const known = CONFIG_KEYS[key];
  if (known) return known.rule(value);
  return value.length > MAX_UNKNOWN_VALUE_LENGTH ? `must be at most ${MAX_UNKNOWN_VALUE_LENGTH} characters` : undefined;
}

/** Every known key with its effective value (a valid stored one, else the default), plus unknown stored keys. */
export function effectiveConfig(stored: Record<string, string>, config: AppConfig): Record<string, string> {
  const effective: Record<string, string> = { ...stored };
  for (const [key, { defaultValue, rule }] of Object.entries(CONFIG_KEYS)) {
    const value = stored[key];
    effective[key] = value !== undefined && rule(value) === undefined ? value : defaultValue(config);
  }
  return effective;
}

/**
 * The `quota.default*` keys as integers (§7.2): the first layer of every user's limits. The
 * quota rules compose these with user and group rows (quotas/ sits above this module).
 */
export interface QuotaDefaults {
  maxSessions: number;
  maxCpuMillicores: number;
  maxMemoryMib: number;
  maxCpuPerSessionMillicores: number;
  maxMemoryPerSessionMib: number;
  maxStorageMib: number;
}

/** Typed platform settings (api-contract §6.8), computed values in millicores and MiB. */
export interface PlatformSettings {
  session: {
    defaultIdleTimeout: string;
    defaultMaxSessionDuration: string;
    enableAutoHibernation: boolean;
    autoHibernateDelay: string;
    /** '' = derive the URL from the ingress settings. */
    urlTemplate: string;
  };
  resources: { defaultMemory: string; defaultCpu: string };
  quota: QuotaDefaults;
  /** Caps per user and per session that keep abuse bounded (§6.8), whatever a user's quota says. */
  limits: {
    maxTotalSessions: number;
    connectionsPerSession: number;
    websocketsPerUser: number;
    favoritesPerUser: number;
  };
  storage: { homeSize: string; homeSizeMib: number; className: string; accessMode: 'ReadWriteOnce' | 'ReadWriteMany' };
  ingress: { enabled: boolean; domain: string; className: string; scheme: 'http' | 'https'; tlsSecretName: string };
}

/** Settings from effective values (every known key present and valid). */
export function platformSettings(v: Record<string, string>): PlatformSettings {
  return {
    session: {
      defaultIdleTimeout: v['session.defaultIdleTimeout'],
      defaultMaxSessionDuration: v['session.defaultMaxSessionDuration'],
      enableAutoHibernation: v['session.enableAutoHibernation'] === 'true',
      autoHibernateDelay: v['session.autoHibernateDelay'],
      urlTemplate: v['session.urlTemplate'],
    },
    resources: { defaultMemory: v['resources.defaultMemory'], defaultCpu: v['resources.defaultCPU'] },
    quota: {
      maxSessions: Number(v['quota.defaultMaxSessions']),
      maxCpuMillicores: cpuMillicores(v['quota.defaultMaxCpu'])!,
      maxMemoryMib: memoryMib(v['quota.defaultMaxMemory'])!,
      maxCpuPerSessionMillicores: cpuMillicores(v['quota.defaultMaxCpuPerSession'])!,
      maxMemoryPerSessionMib: memoryMib(v['quota.defaultMaxMemoryPerSession'])!,
      maxStorageMib: memoryMib(v['quota.defaultMaxStorage'])!,
    },
    limits: {
      maxTotalSessions: Number(v['quota.maxTotalSessions']),
      connectionsPerSession: Number(v['limits.connectionsPerSession']),
      websocketsPerUser: Number(v['limits.websocketsPerUser']),
      favoritesPerUser: Number(v['limits.favoritesPerUser']),
    },
    storage: {
      homeSize: v['storage.homeSize'],
      homeSizeMib: memoryMib(v['storage.homeSize'])!,
      className: v['storage.className'],
      accessMode: v['storage.accessMode'] as 'ReadWriteOnce' | 'ReadWriteMany',
    },
    ingress: {
      enabled: v['ingress.enabled'] === 'true',
      domain: v['ingress.domain'],
      className: v['ingress.className'],
      scheme: v['ingress.scheme'] as 'http' | 'https',
      tlsSecretName: v['ingress.tlsSecretName'],
    },
  };
}
