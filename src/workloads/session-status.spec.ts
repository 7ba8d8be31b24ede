import { describe, expect, it } from '@jest/globals';
import type { SessionResource, SessionStatus } from '../kubernetes/resources.js';
import { type SessionObservation, type WorkloadCheck, desiredStatus, statusPatch } from './session-status.js';

const T0 = new Date('2026-11-26T01:00:00.000Z');
const T1 = new Date('2026-11-26T01:05:00.000Z');
const URL = 'https://s1.streamspace.local/';

function session(
  state: SessionResource['spec']['state'],
  status?: SessionStatus,
  annotations?: Record<string, string>,
): SessionResource {
  return {
    metadata: { name: 's1', generation: 3, annotations },
    spec: { user: 'alice', template: 'firefox', state, idleTimeout: '45m', maxSessionDuration: '8h' },
    status,
  };
}

function deployment(change: Partial<Extract<WorkloadCheck, { outcome: 'deployment' }>> = {}): WorkloadCheck {
  return {
    outcome: 'deployment',
    desiredReplicas: 1,
    observed: true,
    replicas: 1,
    readyReplicas: 0,
    podsLeft: 1,
    progressDeadlineExceeded: false,
    ...change,
  };
}

function seen(change: Partial<SessionObservation> = {}): SessionObservation {
  return {
    template: { outcome: 'found' },
    homeVolume: { outcome: 'present' },
    workload: deployment(),
    readyPodName: '',
    url: URL,
    ...change,
  };
}

const reasons = (status: SessionStatus) =>
  Object.fromEntries((status.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));

describe('desiredStatus (phase rules of §6.1)', () => {
  it('is Pending/Starting with the URL while the Deployment has no ready replica', () => {
    const status = desiredStatus(session('running'), seen(), T0);
    expect(status).toMatchObject({ phase: 'Pending', podName: '', url: URL, observedGeneration: 3 });
    expect(reasons(status)).toEqual({
      TemplateResolved: 'True/Found',
      HomeVolumeReady: 'True/Present',
      WorkloadReady: 'False/Starting',
    });
  });

  it('is Running with the ready pod once the Deployment has a ready replica', () => {
    const status = desiredStatus(
      session('running'),
      seen({ workload: deployment({ readyReplicas: 1 }), readyPodName: 'ss-s1-abc' }),
      T0,
    );
    expect(status).toMatchObject({ phase: 'Running', podName: 'ss-s1-abc', url: URL });
    expect(reasons(status).WorkloadReady).toBe('True/Available');
  });

  it('does not trust a ready count the Deployment controller has not recomputed since a scale', () => {
    const status = desiredStatus(
      session('running'),
      seen({ workload: deployment({ readyReplicas: 1, observed: false }) }),
      T0,
    );
    expect(status.phase).toBe('Pending');
  });

  it('fails with ProgressDeadlineExceeded when the Deployment stopped progressing', () => {
    const status = desiredStatus(
      session('running'),
      seen({ workload: deployment({ progressDeadlineExceeded: true }) }),
      T0,
    );
    expect(status.phase).toBe('Failed');
    expect(reasons(status).WorkloadReady).toBe('False/ProgressDeadlineExceeded');
  });

  it('fails with TemplateNotFound when the Template is missing and nothing was created', () => {
    const status = desiredStatus(
      session('running'),
      seen({
        template: { outcome: 'notFound' },
        homeVolume: { outcome: 'unchecked' },
        workload: { outcome: 'blocked' },
        url: '',
      }),
      T0,
    );
    expect(status).toMatchObject({ phase: 'Failed', message: "Template 'firefox' not found", url: '' });
    expect(reasons(status)).toEqual({ TemplateResolved: 'False/TemplateNotFound' });
  });

  it('fails with TemplateInvalid, quoting the Template’s own message', () => {
    const status = desiredStatus(
      session('running'),
      seen({
        template: { outcome: 'invalid', message: 'baseImage is empty' },
        homeVolume: { outcome: 'unchecked' },
        workload: { outcome: 'blocked' },
      }),
      T0,
    );
    expect(status).toMatchObject({ phase: 'Failed', message: "Template 'firefox' is not valid: baseImage is empty" });
    expect(reasons(status).TemplateResolved).toBe('False/TemplateInvalid');
  });

  it('fails with CreateFailed when Kubernetes rejected an owned object', () => {
    const status = desiredStatus(
      session('running'),
      seen({ workload: { outcome: 'createFailed', message: 'Service could not be created: x' } }),
      T0,
    );
    expect(status).toMatchObject({ phase: 'Failed', message: 'Service could not be created: x' });
    expect(reasons(status).WorkloadReady).toBe('False/CreateFailed');
  });

  it('fails with HomeVolumeReady=False/CreateFailed when the home volume could not be created', () => {
    const status = desiredStatus(
      session('running'),
      seen({ homeVolume: { outcome: 'createFailed', message: 'no room' }, workload: { outcome: 'blocked' } }),
      T0,
    );
    expect(status).toMatchObject({ phase: 'Failed', message: 'no room' });
    expect(reasons(status).HomeVolumeReady).toBe('False/CreateFailed');
  });

  it('fails with HomeVolumeReady=False/QuotaExceeded when the home volume would exceed the storage quota', () => {
    const message = 'storage quota exceeded: home volume needs 50Gi, limit is 1Gi';
    const status = desiredStatus(
      session('running'),
      seen({ homeVolume: { outcome: 'quotaExceeded', message }, workload: { outcome: 'blocked' } }),
      T0,
    );
    expect(status).toMatchObject({ phase: 'Failed', message });
    expect(reasons(status).HomeVolumeReady).toBe('False/QuotaExceeded');
  });

  it('reports NotRequired for sessions without a persistent home', () => {
    expect(
      reasons(desiredStatus(session('running'), seen({ homeVolume: { outcome: 'notRequired' } }), T0)).HomeVolumeReady,
    ).toBe('True/NotRequired');
  });

  it('keeps the previous phase while hibernating pods still terminate, then is Hibernated with the URL kept', () => {
    const running = session(
      'hibernated',
      { phase: 'Running', url: URL, podName: 'ss-s1-abc', message: 'Session is running' },
      { 'streamspace.io/state-reason': 'idle' },
    );
    const draining = desiredStatus(
      running,
      seen({ workload: deployment({ desiredReplicas: 0, replicas: 1, podsLeft: 1 }) }),
      T0,
    );
    expect(draining).toMatchObject({ phase: 'Running', podName: '', url: URL });
    expect(reasons(draining).WorkloadReady).toBe('False/ScaledToZero');

    const done = desiredStatus(
      running,
      seen({ workload: deployment({ desiredReplicas: 0, replicas: 0, podsLeft: 0 }) }),
      T0,
    );
    expect(done).toMatchObject({
      phase: 'Hibernated',
      podName: '',
      url: URL,
      message: 'Hibernated after 45m without activity',
    });
  });

  it('turns the state-reason annotation into the message', () => {
    const hibernatedFor = (reason: string) =>
      desiredStatus(
        session('hibernated', undefined, { 'streamspace.io/state-reason': reason }),
        seen({ workload: deployment({ desiredReplicas: 0, replicas: 0, podsLeft: 0 }) }),
        T0,
      ).message;
    expect(hibernatedFor('maxDuration')).toBe('Hibernated after reaching the maximum session duration of 8h');
    expect(hibernatedFor('user')).toBe('Hibernated by the user');
    expect(hibernatedFor('admin')).toBe('Hibernated by an administrator');
  });

  it('is Terminated with empty pod and URL, and leaves the Template and home conditions as they were', () => {
    const before = desiredStatus(
      session('running'),
      seen({ workload: deployment({ readyReplicas: 1 }), readyPodName: 'p' }),
      T0,
    );
    const status = desiredStatus(
      session('terminated', before, { 'streamspace.io/state-reason': 'user' }),
      {
        template: undefined,
        homeVolume: { outcome: 'unchecked' },
        workload: { outcome: 'removed' },
        readyPodName: '',
        url: '',
      },
      T1,
    );
    expect(status).toMatchObject({ phase: 'Terminated', podName: '', url: '', message: 'Terminated by the user' });
    expect(reasons(status)).toEqual({
      TemplateResolved: 'True/Found',
      HomeVolumeReady: 'True/Present',
      WorkloadReady: 'False/Removed',
    });
  });

  it('moves lastTransitionTime only when a condition flips', () => {
    const first = desiredStatus(session('running'), seen(), T0);
    const again = desiredStatus(session('running', first), seen(), T1);
    const ready = desiredStatus(
      session('running', first),
      seen({ workload: deployment({ readyReplicas: 1 }), readyPodName: 'p' }),
      T1,
    );
    const time = (status: SessionStatus, type: string) =>
      status.conditions!.find((c) => c.type === type)!.lastTransitionTime;
    expect(time(again, 'WorkloadReady')).toBe(T0.toISOString());
    expect(time(ready, 'WorkloadReady')).toBe(T1.toISOString());
    expect(time(ready, 'TemplateResolved')).toBe(T0.toISOString());
  });
});

describe('statusPatch', () => {
  it('is undefined when the owned fields already match', () => {
    const status = desiredStatus(session('running'), seen(), T0);
    const current = { ...status, lastActivity: '2026-11-26T00:00:00.000Z' };
    expect(statusPatch(current, desiredStatus(session('running', current), seen(), T1))).toBeUndefined();
  });

  it('holds only the fields that changed, never lastActivity', () => {
    const pending = desiredStatus(session('running'), seen(), T0);
    const current = { ...pending, lastActivity: '2026-11-26T00:00:00.000Z' };
    const running = desiredStatus(
      session('running', current),
      seen({ workload: deployment({ readyReplicas: 1 }), readyPodName: 'p' }),
      T1,
    );
    const patch = statusPatch(current, running)!;
    expect(Object.keys(patch).sort()).toEqual(['conditions', 'message', 'phase', 'podName']);
    expect(patch).toMatchObject({ phase: 'Running', podName: 'p' });
  });

  it('writes every owned field on a Session without status', () => {
    expect(Object.keys(statusPatch(undefined, desiredStatus(session('running'), seen(), T0))!).sort()).toEqual([
      'conditions',
      'message',
      'observedGeneration',
      'phase',
      'podName',
      'url',
    ]);
  });
});
