import { describe, expect, it } from '@jest/globals';
import type { SessionResource } from '../kubernetes/resources.js';
import { SessionJson, toSessionView } from './session.view.js';

const session: SessionResource = {
  apiVersion: 'stream.space/v1alpha1',
  kind: 'Session',
  metadata: {
    name: 'alice-firefox-1a2b3c4d',
    namespace: 'streamspace',
    creationTimestamp: '2025-11-20T10:00:00Z' as never,
  },
  spec: {
    user: 'alice',
    template: 'firefox',
    state: 'running',
    resources: { requests: { cpu: '1000m', memory: '2Gi' } },
    idleTimeout: '30m',
  },
};

describe('toSessionView', () => {
  const now = new Date('2025-11-20T10:45:00.000Z');

  it('fills every key, with defaults for what the resource leaves out', () => {
    const view = toSessionView(session, undefined, now);
    expect(view).toEqual({
      name: 'alice-firefox-1a2b3c4d',
      namespace: 'streamspace',
      user: 'alice',
      template: 'firefox',
      applicationId: null,
      state: 'running',
      persistentHome: true,
      idleTimeout: '30m',
      maxSessionDuration: '8h',
      tags: [],
      resources: { memory: '2Gi', cpu: '1000m' },
      status: { phase: 'Pending', url: '', podName: '', lastActivity: null, message: '', conditions: [] },
      createdAt: '2025-11-20T10:00:00.000Z',
      activeConnections: 0,
      lastActivity: '2025-11-20T10:00:00.000Z',
      idleDuration: 2700,
      idleThreshold: 1800,
      isIdle: true,
      isActive: false,
    });
  });

  it('takes the activity clock and live connections from the database', () => {
    const view = toSessionView(
      session,
      { lastActivity: new Date('2025-11-20T10:40:00.000Z'), activeConnections: 2 },
      now,
    );
    expect(view).toMatchObject({
      lastActivity: '2025-11-20T10:40:00.000Z',
      idleDuration: 300,
      isIdle: false,
      isActive: true,
      activeConnections: 2,
    });
  });

  it('normalises status timestamps and condition fields', () => {
    const view = toSessionView(
      {
        ...session,
        metadata: { ...session.metadata, labels: { 'streamspace.io/application': 'app-1' } },
        status: {
          phase: 'Running',
          url: 'https://alice-firefox-1a2b3c4d.streamspace.local/',
          lastActivity: '2025-11-20T10:44:00Z',
          conditions: [{ type: 'WorkloadReady', status: 'True', lastTransitionTime: '2025-11-20T10:01:00Z' }],
        },
      },
      undefined,
      now,
    );
    expect(view.applicationId).toBe('app-1');
    expect(view.status).toMatchObject({
      phase: 'Running',
      lastActivity: '2025-11-20T10:44:00.000Z',
      conditions: [
        {
          type: 'WorkloadReady',
          status: 'True',
          reason: '',
          message: '',
          lastTransitionTime: '2025-11-20T10:01:00.000Z',
        },
      ],
    });
    expect(view.idleDuration).toBe(60);
  });
});

describe('SessionJson', () => {
  const now = new Date('2025-11-20T10:45:00.000Z');
  const detailed: SessionResource = {
    ...session,
    metadata: {
      ...session.metadata,
      labels: { 'streamspace.io/application': '4f9c2a7e-0000-4000-8000-000000000001' },
    },
    spec: {
      ...session.spec,
      state: 'hibernated',
      persistentHome: false,
      idleTimeout: '1h',
      maxSessionDuration: '2h',
      tags: ['dev', 'quote " and \\ backslash', 'ünïcode ✓'],
      resources: { limits: { cpu: '2', memory: '4Gi' } },
    },
    status: {
      phase: 'Running',
      url: 'http://alice.streamspace.local/',
      podName: 'alice-firefox-1a2b3c4d-abc',
      lastActivity: '2025-11-20T10:30:00Z',
      message: 'line\nbreak',
      conditions: [
        { type: 'WorkloadReady', status: 'True', lastTransitionTime: '2025-11-20T10:01:00Z' },
        { type: 'HomeVolumeReady', status: 'False', reason: 'Pending', message: 'waiting' },
      ],
    },
  };

  it('renders exactly the bytes of JSON.stringify(toSessionView(…)), with and without activity', () => {
    for (const resource of [session, detailed])
      for (const activity of [
        undefined,
        { lastActivity: new Date('2025-11-20T10:44:59.500Z'), activeConnections: 3 },
        { lastActivity: new Date('2025-11-20T09:00:00.000Z'), activeConnections: 0 },
      ])
        expect(SessionJson.of(resource)!.render(activity, now)).toBe(
          JSON.stringify(toSessionView(resource, activity, now)),
        );
  });

  it('is not made for a resource without a creation time (its createdAt is the current time)', () => {
    expect(SessionJson.of({ ...session, metadata: { name: 'x' } })).toBeUndefined();
  });
});
