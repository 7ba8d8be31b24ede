import { durationSeconds } from '../common/durations.js';

/** What the idle monitor and connection tracker know about a running session (§6.4, §6.5). */
export interface HibernationFacts {
  state: string;
  lastActivity: Date;
  startedAt: Date | null;
  lastDisconnect: Date | null;
  idleTimeout: string;
  maxSessionDuration: string;
  liveConnections: number;
}

export interface HibernationSettings {
  autoHibernation: boolean;
  /** Seconds after the last disconnect (session.autoHibernateDelay). */
  autoHibernateDelay: number;
}

export type HibernationReason = 'idle' | 'maxDuration' | 'disconnected';

const olderThan = (time: Date | null, seconds: number | undefined, now: Date) =>
  time !== null && seconds !== undefined && now.getTime() - time.getTime() > seconds * 1000;

/**
 * Why the idle monitor would hibernate this session now, if at all (§6.5): the maximum duration
 * always applies, even with live connections; the idle rule only with auto-hibernation on and no
 * live connection. A session's own idleTimeout wins over the platform default.
 */
export function idleMonitorReason(
  facts: HibernationFacts,
  settings: HibernationSettings,
  now: Date,
): HibernationReason | undefined {
  if (facts.state !== 'running') return undefined;
  if (olderThan(facts.startedAt, durationSeconds(facts.maxSessionDuration), now)) return 'maxDuration';
  if (
    settings.autoHibernation &&
    facts.liveConnections === 0 &&
    olderThan(facts.lastActivity, durationSeconds(facts.idleTimeout), now)
  )
    return 'idle';
  return undefined;
}

/**
 * The disconnect rule (§6.4): with auto-hibernation on, a running session whose last connection
 * went away longer ago than the delay, and with no activity since, is hibernated. Sessions that
 * never had a connection are left to the idle monitor.
 */
export function disconnectRuleApplies(facts: HibernationFacts, settings: HibernationSettings, now: Date): boolean {
  return (
    settings.autoHibernation &&
    facts.state === 'running' &&
    facts.liveConnections === 0 &&
    olderThan(facts.lastDisconnect, settings.autoHibernateDelay, now) &&
    olderThan(facts.lastActivity, settings.autoHibernateDelay, now)
  );
}

/** SQL: a contract duration column (`30m`) in seconds. */
export const durationSql = (column: string) =>
  `(substring(${column} from '^[0-9]+')::int * CASE right(${column}, 1) WHEN 's' THEN 1 WHEN 'm' THEN 60 ELSE 3600 END)`;
