import { describe, expect, it } from '@jest/globals';
import { disconnectRuleApplies, type HibernationFacts, idleMonitorReason } from './hibernation-rules.js';

const now = new Date('2025-11-20T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
const facts = (overrides: Partial<HibernationFacts> = {}): HibernationFacts => ({
  state: 'running',
  lastActivity: minutesAgo(5),
  startedAt: minutesAgo(60),
  lastDisconnect: null,
  idleTimeout: '30m',
  maxSessionDuration: '8h',
  liveConnections: 0,
  ...overrides,
});
const on = { autoHibernation: true, autoHibernateDelay: 30 * 60 };

describe('idle monitor rules', () => {
  it('hibernates a session idle past its own timeout with no live connection', () => {
    expect(idleMonitorReason(facts({ lastActivity: minutesAgo(31) }), on, now)).toBe('idle');
    expect(idleMonitorReason(facts({ lastActivity: minutesAgo(29) }), on, now)).toBeUndefined();
    expect(idleMonitorReason(facts({ lastActivity: minutesAgo(11), idleTimeout: '10m' }), on, now)).toBe('idle');
  });

  it('leaves an idle session alone while someone is connected or auto-hibernation is off', () => {
    expect(idleMonitorReason(facts({ lastActivity: minutesAgo(90), liveConnections: 1 }), on, now)).toBeUndefined();
    expect(
      idleMonitorReason(facts({ lastActivity: minutesAgo(90) }), { ...on, autoHibernation: false }, now),
    ).toBeUndefined();
  });

  it('enforces the maximum duration even with live connections and auto-hibernation off', () => {
    const old = facts({ startedAt: minutesAgo(8 * 60 + 1), liveConnections: 2 });
    expect(idleMonitorReason(old, { ...on, autoHibernation: false }, now)).toBe('maxDuration');
  });

  it('never acts on a session that is not running', () => {
    expect(idleMonitorReason(facts({ state: 'hibernated', lastActivity: minutesAgo(999) }), on, now)).toBeUndefined();
  });
});

describe('disconnect rule', () => {
  it('hibernates after the delay since the last disconnect with no activity since', () => {
    expect(
      disconnectRuleApplies(facts({ lastDisconnect: minutesAgo(31), lastActivity: minutesAgo(31) }), on, now),
    ).toBe(true);
    expect(disconnectRuleApplies(facts({ lastDisconnect: minutesAgo(31), lastActivity: minutesAgo(2) }), on, now)).toBe(
      false,
    );
    expect(
      disconnectRuleApplies(facts({ lastDisconnect: minutesAgo(10), lastActivity: minutesAgo(40) }), on, now),
    ).toBe(false);
  });

  it('leaves sessions that never had a connection, or have one now, to others', () => {
    expect(disconnectRuleApplies(facts({ lastDisconnect: null, lastActivity: minutesAgo(99) }), on, now)).toBe(false);
    expect(
      disconnectRuleApplies(
        facts({ lastDisconnect: minutesAgo(99), lastActivity: minutesAgo(99), liveConnections: 1 }),
        on,
        now,
      ),
    ).toBe(false);
    expect(
      disconnectRuleApplies(
        facts({ lastDisconnect: minutesAgo(99), lastActivity: minutesAgo(99) }),
        { ...on, autoHibernation: false },
        now,
      ),
    ).toBe(false);
  });
});
