import { ApiProperty } from '@nestjs/swagger';
import { durationSeconds } from '../common/durations.js';
import { APPLICATION_LABEL } from '../kubernetes/labels.js';
import type { SessionPhase, SessionResource, SessionState } from '../kubernetes/resources.js';

const DEFAULT_IDLE_TIMEOUT = '30m';
const DEFAULT_MAX_DURATION = '8h';

export class SessionConditionView {
  @ApiProperty({ enum: ['TemplateResolved', 'HomeVolumeReady', 'WorkloadReady'] }) type!: string;
  @ApiProperty({ enum: ['True', 'False', 'Unknown'] }) status!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ format: 'date-time' }) lastTransitionTime!: string;
}

export class SessionStatusView {
  @ApiProperty({ enum: ['Pending', 'Running', 'Hibernated', 'Terminated', 'Failed'] }) phase!: SessionPhase;
  @ApiProperty() url!: string;
  @ApiProperty() podName!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastActivity!: string | null;
  @ApiProperty() message!: string;
  @ApiProperty({ type: [SessionConditionView] }) conditions!: SessionConditionView[];
}

/** `Session` on the wire (api-contract §4.3): every key always present. */
export class SessionView {
  @ApiProperty() name!: string;
  @ApiProperty() namespace!: string;
  @ApiProperty({ description: 'Owner username' }) user!: string;
  @ApiProperty() template!: string;
  @ApiProperty({ nullable: true, type: String }) applicationId!: string | null;
  @ApiProperty({ enum: ['running', 'hibernated', 'terminated'] }) state!: SessionState;
  @ApiProperty() persistentHome!: boolean;
  @ApiProperty({ example: '30m' }) idleTimeout!: string;
  @ApiProperty({ example: '8h' }) maxSessionDuration!: string;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ example: { memory: '2Gi', cpu: '1000m' } }) resources!: { memory: string; cpu: string };
  @ApiProperty({ type: SessionStatusView }) status!: SessionStatusView;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() activeConnections!: number;
  @ApiProperty({ format: 'date-time' }) lastActivity!: string;
  @ApiProperty() idleDuration!: number;
  @ApiProperty() idleThreshold!: number;
  @ApiProperty() isIdle!: boolean;
  @ApiProperty() isActive!: boolean;
}

/** What the database adds to a resource: the API-owned activity clock and live connections. */
export interface SessionActivity {
  lastActivity: Date;
  activeConnections: number;
}

const iso = (value: string | Date | undefined | null) => (value ? new Date(value).toISOString() : null);

export function toSessionView(session: SessionResource, activity: SessionActivity | undefined, now: Date): SessionView {
  return { ...resourceFields(session, now), ...activityFields(session, activity, now) };
}

type ActivityFields = Pick<
  SessionView,
  'activeConnections' | 'lastActivity' | 'idleDuration' | 'idleThreshold' | 'isIdle' | 'isActive'
>;

/** The view up to `createdAt`: what only a change of the resource changes. */
function resourceFields(session: SessionResource, now: Date): Omit<SessionView, keyof ActivityFields> {
  const { spec, metadata } = session;
  const status = session.status ?? {};
  const requested = { ...spec.resources?.limits, ...spec.resources?.requests };
  return {
    name: metadata.name,
    namespace: metadata.namespace ?? '',
    user: spec.user,
    template: spec.template,
    applicationId: metadata.labels?.[APPLICATION_LABEL] ?? null,
    state: spec.state,
    persistentHome: spec.persistentHome ?? true,
    idleTimeout: spec.idleTimeout ?? DEFAULT_IDLE_TIMEOUT,
    maxSessionDuration: spec.maxSessionDuration ?? DEFAULT_MAX_DURATION,
    tags: spec.tags ?? [],
    resources: { memory: String(requested.memory ?? ''), cpu: String(requested.cpu ?? '') },
    status: {
      phase: status.phase ?? 'Pending',
      url: status.url ?? '',
      podName: status.podName ?? '',
      lastActivity: iso(status.lastActivity),
      message: status.message ?? '',
      conditions: (status.conditions ?? []).map((condition) => ({
        type: condition.type,
        status: condition.status,
        reason: condition.reason ?? '',
        message: condition.message ?? '',
        lastTransitionTime: iso(condition.lastTransitionTime) ?? '',
      })),
    },
    createdAt: iso(metadata.creationTimestamp) ?? now.toISOString(),
  };
}

/** The view from `activeConnections` on: what moves with the clock and the database. */
function activityFields(session: SessionResource, activity: SessionActivity | undefined, now: Date): ActivityFields {
  const { spec, metadata } = session;
  const status = session.status ?? {};
  // A session no row describes yet (made by another tool, not projected): its own clock or its age.
  const lastActivity = activity?.lastActivity ?? new Date(status.lastActivity ?? metadata.creationTimestamp ?? now);
  const idleDuration = Math.max(0, Math.floor((now.getTime() - lastActivity.getTime()) / 1000));
  const idleThreshold = durationSeconds(spec.idleTimeout ?? DEFAULT_IDLE_TIMEOUT) ?? 0;
  return {
    activeConnections: activity?.activeConnections ?? 0,
    lastActivity: lastActivity.toISOString(),
    idleDuration,
    idleThreshold,
    isIdle: idleDuration >= idleThreshold,
    isActive: idleDuration < idleThreshold,
  };
}

/**
 * A session's view as JSON, from its resource part serialised once (`SessionJson.of`) and its
 * activity part serialised per request: exactly the bytes of `JSON.stringify(toSessionView(…))`.
 */
export class SessionJson {
  private constructor(
    readonly session: SessionResource,
    /** `{"name":…,"createdAt":"…"` without the closing brace. */
    private readonly resourcePart: string,
  ) {}

  /** Undefined for a resource without a creation time (its `createdAt` would be "now"). */
  static of(session: SessionResource): SessionJson | undefined {
    if (!session.metadata.creationTimestamp) return undefined;
    const json = JSON.stringify(resourceFields(session, new Date(0)));
    return new SessionJson(session, json.slice(0, -1));
  }

  render(activity: SessionActivity | undefined, now: Date): string {
    return `${this.resourcePart},${JSON.stringify(activityFields(this.session, activity, now)).slice(1)}`;
  }
}
