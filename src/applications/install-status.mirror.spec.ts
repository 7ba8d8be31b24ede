import { describe, expect, it } from '@jest/globals';
import type { ApplicationInstallResource, ApplicationInstallStatus } from '../kubernetes/resources.js';
import { installStatusOf } from './install-status.mirror.js';

const install = (status?: ApplicationInstallStatus) =>
  ({
    metadata: { name: 'x' },
    spec: { templateName: 't', displayName: 'T', manifest: '{}' },
    status,
  }) as ApplicationInstallResource;

describe('install status of an ApplicationInstall', () => {
  it.each([
    ['Pending', 'pending'],
    ['Creating', 'creating'],
    ['Ready', 'installed'],
    ['Failed', 'failed'],
  ] as const)('maps phase %s to %s with the message', (phase, status) => {
    expect(installStatusOf(install({ phase, message: 'why' }))).toEqual({ status, message: 'why' });
  });

  it('has nothing to mirror before a phase is reported', () => {
    expect(installStatusOf(install())).toBeUndefined();
    expect(installStatusOf(install({ message: 'no phase' }))).toBeUndefined();
  });
});
