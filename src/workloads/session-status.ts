import type { MergePatch } from '../kubernetes/clients/custom-resource.client.js';
import { STATE_REASON_ANNOTATION } from '../kubernetes/labels.js';
import type { Condition, SessionPhase, SessionResource, SessionStatus } from '../kubernetes/resources.js';

/** What the reconciler found for the session's Template (not looked at when terminated). */
export type TemplateCheck = { outcome: 'found' } | { outcome: 'notFound' } | { outcome: 'invalid'; message: string };

/** The home volume: present, not wanted, could not or may not be created, or not looked at this pass. */
export type HomeVolumeCheck =
  | { outcome: 'present' }
  | { outcome: 'notRequired' }
  | { outcome: 'createFailed'; message: string }
  | { outcome: 'quotaExceeded'; message: string }
  | { outcome: 'unchecked' };

/** The Deployment and the other owned objects, as this pass left them. */
export type WorkloadCheck =
  /** Not created, because the Template or the home volume failed first. */
  | { outcome: 'blocked' }
  | { outcome: 'createFailed'; message: string }
  /** Not created yet for a passing reason, e.g. the previous Deployment is still being deleted. */
  | { outcome: 'waiting'; message: string }
  /** Deleted (or deletion issued) for a terminated session. */
  | { outcome: 'removed' }
  | {
      outcome: 'deployment';
      /** `spec.replicas` after this pass's scale. */
      desiredReplicas: number;
      /** The Deployment controller has seen the current spec, so its status counts. */
      observed: boolean;
      replicas: number;
      readyReplicas: number;
      /** Pods of the session still present (terminating ones included). */
      podsLeft: number;
      progressDeadlineExceeded: boolean;
    };

export interface SessionObservation {
  template: TemplateCheck | undefined;
  homeVolume: HomeVolumeCheck;
  workload: WorkloadCheck;
  readyPodName: string;
  /** The URL the session has once its workload exists. */
  url: string;
}

/** The status fields the workload reconciler owns; never `lastActivity`. */
export type OwnedStatus = Required<
  Pick<SessionStatus, 'phase' | 'podName' | 'url' | 'message' | 'observedGeneration' | 'conditions'>
>;

type ConditionType = 'TemplateResolved' | 'HomeVolumeReady' | 'WorkloadReady';
type ConditionUpdate = Pick<Condition, 'status' | 'reason' | 'message'>;

const CONDITION_ORDER: ConditionType[] = ['TemplateResolved', 'HomeVolumeReady', 'WorkloadReady'];

/** `status.message` for a state change, from the reason annotation (§5.2, §6.5). */
function stateMessage(session: SessionResource, verb: 'Hibernated' | 'Terminated'): string {
  switch (session.metadata.annotations?.[STATE_REASON_ANNOTATION]) {
    case 'idle':
      return `${verb} after ${session.spec.idleTimeout ?? '30m'} without activity`;
    case 'maxDuration':
      return `${verb} after reaching the maximum session duration of ${session.spec.maxSessionDuration ?? '8h'}`;
    case 'disconnected':
      return `${verb} after the last connection closed`;
    case 'admin':
      return `${verb} by an administrator`;
    case 'user':
      return `${verb} by the user`;
    default:
      return `Session ${verb.toLowerCase()}`;
  }
}

function templateCondition(session: SessionResource, check: TemplateCheck): ConditionUpdate {
  const name = session.spec.template;
  switch (check.outcome) {
    case 'found':
      return { status: 'True', reason: 'Found', message: `Template '${name}' found` };
    case 'notFound':
      return { status: 'False', reason: 'TemplateNotFound', message: `Template '${name}' not found` };
    case 'invalid':
      return {
        status: 'False',
        reason: 'TemplateInvalid',
        message: `Template '${name}' is not valid: ${check.message}`,
      };
  }
}

function homeVolumeCondition(check: HomeVolumeCheck): ConditionUpdate | undefined {
  switch (check.outcome) {
    case 'present':
      return { status: 'True', reason: 'Present', message: 'Home volume exists' };
    case 'notRequired':
      return { status: 'True', reason: 'NotRequired', message: 'Session has no persistent home' };
    case 'createFailed':
      return { status: 'False', reason: 'CreateFailed', message: check.message };
    case 'quotaExceeded':
      return { status: 'False', reason: 'QuotaExceeded', message: check.message };
    case 'unchecked':
      return undefined;
  }
}

interface PhaseDecision {
  phase: SessionPhase;
  message: string;
  workload?: ConditionUpdate;
  podName: string;
  url: string;
}

/** The phase rules of api-contract §6.1. */
function decidePhase(session: SessionResource, seen: SessionObservation): PhaseDecision {
  const previousPhase = session.status?.phase ?? 'Pending';
  const previousUrl = session.status?.url ?? '';
  const { workload } = seen;
  if (session.spec.state === 'terminated') {
    return {
      phase: 'Terminated',
      message: stateMessage(session, 'Terminated'),
      workload: { status: 'False', reason: 'Removed', message: 'Workload removed' },
      podName: '',
      url: '',
    };
  }
  if (workload.outcome === 'createFailed') {
    return {
      phase: 'Failed',
      message: workload.message,
      workload: { status: 'False', reason: 'CreateFailed', message: workload.message },
      podName: '',
      url: previousUrl,
    };
  }
  if (workload.outcome === 'waiting') {
    return {
      phase: 'Pending',
      message: workload.message,
      workload: { status: 'False', reason: 'Starting', message: workload.message },
      podName: '',
      url: previousUrl,
    };
  }
  if (workload.outcome !== 'deployment') {
    // Blocked before the Deployment existed: the Template or the home volume says why.
    const cause =
      (seen.template && seen.template.outcome !== 'found' ? templateCondition(session, seen.template) : undefined) ??
      homeVolumeCondition(seen.homeVolume);
    return {
      phase: 'Failed',
      message: cause?.message ?? 'Session workload could not be created',
      podName: '',
      url: previousUrl,
    };
  }

  if (session.spec.state === 'hibernated') {
    const scaledDown = workload.observed && workload.replicas === 0 && workload.podsLeft === 0;
    const scaledToZero = { status: 'False' as const, reason: 'ScaledToZero', message: 'Scaled to zero replicas' };
    return {
      // While pods are still terminating the previous phase stands (§6.1).
      phase: scaledDown ? 'Hibernated' : previousPhase,
      message: scaledDown ? stateMessage(session, 'Hibernated') : (session.status?.message ?? 'Hibernating'),
      workload: scaledToZero,
      podName: '',
      url: seen.url,
    };
  }

  if (workload.progressDeadlineExceeded) {
    const message = 'The session pod did not become ready in time (ProgressDeadlineExceeded)';
    return {
      phase: 'Failed',
      message,
      workload: { status: 'False', reason: 'ProgressDeadlineExceeded', message },
      podName: '',
      url: seen.url,
    };
  }
  if (workload.desiredReplicas >= 1 && workload.observed && workload.readyReplicas >= 1) {
    return {
      phase: 'Running',
      message: 'Session is running',
      workload: { status: 'True', reason: 'Available', message: 'A session pod is ready' },
      podName: seen.readyPodName,
      url: seen.url,
    };
  }
  return {
    phase: 'Pending',
    message: 'Waiting for the session pod to become ready',
    workload: { status: 'False', reason: 'Starting', message: 'Waiting for a ready session pod' },
    podName: '',
    url: seen.url,
  };
}

/**
 * Merges condition updates into the previous conditions: `lastTransitionTime` moves only when the
 * status flips; conditions this pass did not look at stay as they were.
 */
function mergeConditions(
  previous: Condition[] | undefined,
  updates: Partial<Record<ConditionType, ConditionUpdate>>,
  generation: number,
  now: Date,
): Condition[] {
  const byType = new Map((previous ?? []).map((c) => [c.type, c]));
  for (const type of CONDITION_ORDER) {
    const update = updates[type];
    if (!update) continue;
    const before = byType.get(type);
    const lastTransitionTime =
      before && before.status === update.status && before.lastTransitionTime
        ? before.lastTransitionTime
        : now.toISOString();
    byType.set(type, { type, ...update, lastTransitionTime, observedGeneration: generation });
  }
  const known = CONDITION_ORDER.flatMap((type) => (byType.has(type) ? [byType.get(type)!] : []));
  const others = [...byType.values()].filter((c) => !CONDITION_ORDER.includes(c.type as ConditionType));
  return [...known, ...others];
}

/** The status the reconciler wants the Session to show after this pass. */
export function desiredStatus(session: SessionResource, seen: SessionObservation, now: Date): OwnedStatus {
  const decision = decidePhase(session, seen);
  const generation = session.metadata.generation ?? 0;
  const updates: Partial<Record<ConditionType, ConditionUpdate>> = {
    WorkloadReady: decision.workload,
    HomeVolumeReady: homeVolumeCondition(seen.homeVolume),
  };
  if (seen.template) updates.TemplateResolved = templateCondition(session, seen.template);
  return {
    phase: decision.phase,
    podName: decision.podName,
    url: decision.url,
    message: decision.message,
    observedGeneration: generation,
    conditions: mergeConditions(session.status?.conditions, updates, generation, now),
  };
}

function sameConditions(a: Condition[] | undefined, b: Condition[]): boolean {
  const key = (c: Condition) =>
    [c.type, c.status, c.reason, c.message, c.lastTransitionTime, c.observedGeneration].join('\u0000');
  return (a ?? []).length === b.length && b.every((c, i) => key((a ?? [])[i]) === key(c));
}

/** A merge patch of the owned fields that differ, or undefined when the status is already right. */
export function statusPatch(
  current: SessionStatus | undefined,
  desired: OwnedStatus,
): MergePatch<SessionStatus> | undefined {
  const patch: MergePatch<SessionStatus> = {};
  for (const field of ['phase', 'podName', 'url', 'message', 'observedGeneration'] as const) {
    if (current?.[field] !== desired[field]) (patch as Record<string, unknown>)[field] = desired[field];
  }
  // A merge patch replaces arrays whole, so conditions always go as the full list.
  if (!sameConditions(current?.conditions, desired.conditions)) patch.conditions = desired.conditions;
  return Object.keys(patch).length > 0 ? patch : undefined;
}
