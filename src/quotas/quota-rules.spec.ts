import { describe, expect, it } from '@jest/globals';
import { composeLimits, firstQuotaViolation, type QuotaLimits, type QuotaUsage } from './quota-rules.js';

const defaults: QuotaLimits = {
  maxSessions: 5,
  maxCpuMillicores: 4000,
  maxMemoryMib: 8192,
  maxCpuPerSessionMillicores: 2000,
  maxMemoryPerSessionMib: 4096,
  maxStorageMib: 102_400,
};
const idle: QuotaUsage = { sessions: 0, cpuMillicores: 0, memoryMib: 0, homeVolumeMib: undefined };
const session = { cpuMillicores: 1000, memoryMib: 2048 };

describe('composeLimits', () => {
  it('uses the platform defaults when neither user nor groups set a value', () => {
    expect(composeLimits(defaults, null, [])).toEqual(defaults);
  });

  it('lets a user row replace defaults, upwards too, column by column', () => {
    const limits = composeLimits(defaults, { maxSessions: 20, maxCpuMillicores: null }, []);
    expect(limits.maxSessions).toBe(20);
    expect(limits.maxCpuMillicores).toBe(4000);
  });

  it('lets every group only lower a limit, taking the smallest', () => {
    const limits = composeLimits(defaults, { maxSessions: 20, maxMemoryMib: 1024 }, [
      { maxSessions: 10, maxMemoryMib: 65_536 },
      { maxSessions: 3, maxStorageMib: null },
    ]);
    expect(limits.maxSessions).toBe(3);
    expect(limits.maxMemoryMib).toBe(1024);
    expect(limits.maxStorageMib).toBe(102_400);
  });
});

describe('firstQuotaViolation', () => {
  it('follows the worked example: four 1000m/2Gi sessions fit, the fifth breaks total CPU first', () => {
    let usage = idle;
    for (let started = 0; started < 4; started++) {
      expect(firstQuotaViolation(defaults, usage, session)).toBeUndefined();
      usage = {
        ...usage,
        sessions: usage.sessions + 1,
        cpuMillicores: usage.cpuMillicores + 1000,
        memoryMib: usage.memoryMib + 2048,
      };
    }
    expect(firstQuotaViolation(defaults, usage, session)).toBe(
      'total CPU quota exceeded: would use 5000m, limit is 4000m',
    );
  });

  it('checks in contract order: sessions, per-session CPU and memory, totals, storage', () => {
    const full = { ...idle, sessions: 5 };
    expect(firstQuotaViolation(defaults, full, { cpuMillicores: 4000, memoryMib: 9000 })).toBe(
      'session quota exceeded: 5/5 sessions active',
    );
    expect(firstQuotaViolation(defaults, idle, { cpuMillicores: 4000, memoryMib: 9000 })).toBe(
      'CPU quota exceeded: requested 4000m, limit is 2000m per session',
    );
    expect(firstQuotaViolation(defaults, idle, { cpuMillicores: 1000, memoryMib: 5000 })).toBe(
      'memory quota exceeded: requested 5000Mi, limit is 4096Mi per session',
    );
    expect(firstQuotaViolation(defaults, { ...idle, memoryMib: 7000 }, session)).toBe(
      'total memory quota exceeded: would use 9048Mi, limit is 8192Mi',
    );
  });

  it('refuses a new home volume larger than the storage limit, but not an existing one', () => {
    const demand = { ...session, homeVolumeMib: 204_800 };
    expect(firstQuotaViolation(defaults, idle, demand)).toBe(
      'storage quota exceeded: home volume needs 200Gi, limit is 100Gi',
    );
    expect(firstQuotaViolation(defaults, { ...idle, homeVolumeMib: 204_800 }, demand)).toBeUndefined();
  });
});
