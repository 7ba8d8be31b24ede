import { describe, expect, it } from '@jest/globals';
import { cpuMillicores, formatCpu, formatMemory, formatStorage, memoryMib } from './quantities.js';

describe('quantities', () => {
  it('reads CPU in cores or millicores, rounding up to whole millicores', () => {
    expect(cpuMillicores('500m')).toBe(500);
    expect(cpuMillicores('1')).toBe(1000);
    expect(cpuMillicores('1.5')).toBe(1500);
    expect(cpuMillicores('0.3')).toBe(300);
    expect(cpuMillicores('100u')).toBe(1);
    expect(cpuMillicores(2)).toBe(2000);
    expect(cpuMillicores('1e3')).toBe(1_000_000);
  });

  it('reads memory in binary and decimal units, rounding up to whole MiB', () => {
    expect(memoryMib('512Mi')).toBe(512);
    expect(memoryMib('2Gi')).toBe(2048);
    expect(memoryMib('1G')).toBe(954);
    expect(memoryMib('1Ti')).toBe(1_048_576);
    expect(memoryMib('1')).toBe(1);
  });

  it('refuses what is not a non-negative quantity, and memory in millibytes', () => {
    for (const bad of ['', 'abc', '-1', '1.2.3', '5 Gi', '1Xi', 'Gi', '1e99999999', '1e-99999999', '9'.repeat(100)]) {
      expect(cpuMillicores(bad)).toBeUndefined();
      expect(memoryMib(bad)).toBeUndefined();
    }
    expect(memoryMib('500m')).toBeUndefined();
  });

  it('prints the forms the UI parses', () => {
    expect(formatCpu(4000)).toBe('4000m');
    expect(formatMemory(8192)).toBe('8192Mi');
    expect(formatStorage(102_400)).toBe('100Gi');
    expect(formatStorage(512)).toBe('0.5Gi');
    expect(formatStorage(100)).toBe('0.1Gi');
    expect(formatStorage(0)).toBe('0Gi');
  });
});
