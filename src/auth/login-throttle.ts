import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ApiError } from '../common/api-error.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';

const MINUTE_MS = 60_000;
/**
 * Counters kept per budget. Far more than the failures one replica can check with bcrypt during a
 * five-minute block, so nobody can flush a blocked counter by filling the table with new ones;
 * the least recently used counter makes room.
 */
const MAX_COUNTERS = 50_000;

interface Counter {
  /** Failures in this window, plus attempts still being checked. */
  count: number;
  windowEndsAt: number;
  blockedUntil: number;
}

/**
 * At most `limit` failures a minute per key; reaching it refuses the key for `blockMs`, and at
 * least until the minute is over.
 */
class FailureBudget {
  private readonly counters = new LRUCache<string, Counter>({ max: MAX_COUNTERS });

  constructor(
    private readonly limit: number,
    private readonly blockMs: number,
  ) {}

  /** Milliseconds before this key may try again; 0 when it may now. */
  waitMs(key: string, now: number): number {
    const counter = this.live(key, now);
    if (!counter) return 0;
    if (counter.blockedUntil > now) return counter.blockedUntil - now;
    return counter.count >= this.limit ? counter.windowEndsAt - now : 0;
  }

  reserve(key: string, now: number): void {
    const counter = this.live(key, now) ?? { count: 0, windowEndsAt: now + MINUTE_MS, blockedUntil: 0 };
    counter.count++;
    this.counters.set(key, counter);
  }

  /** A reserved attempt failed: it stays counted, and the one that fills the budget starts the block. */
  failed(key: string, now: number): void {
    const counter = this.live(key, now);
    if (counter && counter.count >= this.limit)
      counter.blockedUntil = Math.max(counter.blockedUntil, now + this.blockMs);
  }

  release(key: string, now: number): void {
    const counter = this.live(key, now);
    if (counter) counter.count = Math.max(0, counter.count - 1);
  }

  clear(key: string): void {
    this.counters.delete(key);
  }

  private live(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (counter && counter.windowEndsAt <= now && counter.blockedUntil <= now) {
      this.counters.delete(key);
      return undefined;
    }
    return counter;
  }
}

/** Fixed-size keys, whatever arrives (a client address can come from X-Forwarded-For). */
const keyOf = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('base64url');

/** One admitted login attempt: it ends as a success, a failure, or neither (e.g. the database failed). */
export interface LoginAttempt {
  succeeded(): void;
  failed(): void;
  /** Gives back the reservation of an attempt that neither succeeded nor failed; no-op after either. */
  release(): void;
}

/**
 * Login throttling (api-contract §1.5 429): only failed attempts count. At most 10 failures a
 * minute per username and client address (then that pair waits 5 minutes; a success clears it),
 * 60 per client address, 100 per username from all addresses together (then 1 minute), so nobody
 * can lock an account out from elsewhere for long. An attempt holds its place in every budget
 * while its password is checked, so parallel guesses cannot overshoot. Counters live in this
 * replica's memory; usernames arrive already checked against the username rule.
 */
@Injectable()
export class LoginThrottle {
  private readonly perPair: FailureBudget;
  private readonly perAddress: FailureBudget;
  private readonly perUsername: FailureBudget;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    const limits = config.loginFailuresPerMinute;
    this.perPair = new FailureBudget(limits.perUsernameAndAddress, 5 * MINUTE_MS);
    this.perAddress = new FailureBudget(limits.perAddress, 0);
    this.perUsername = new FailureBudget(limits.perUsername, MINUTE_MS);
  }

  /** Admits an attempt or answers 429 with Retry-After. */
  admit(username: string, address: string | undefined): LoginAttempt {
    const user = username.toLowerCase();
    const client = address ?? 'unknown';
    const budgets: [FailureBudget, string][] = [
      [this.perPair, keyOf(user, client)],
      [this.perAddress, keyOf(client)],
      [this.perUsername, keyOf(user)],
    ];
    const now = this.clock.now().getTime();
    const waitMs = Math.max(...budgets.map(([budget, key]) => budget.waitMs(key, now)));
    if (waitMs > 0) {
      const retryAfter = Math.ceil(waitMs / 1000);
      throw new ApiError(429, 'Too many attempts', `Too many failed logins; try again in ${retryAfter} seconds`, {
        retryAfter,
      });
    }
    for (const [budget, key] of budgets) budget.reserve(key, now);

    let settled = false;
    const settle = (outcome: (budget: FailureBudget, key: string, now: number) => void) => {
      if (settled) return;
      settled = true;
      const at = this.clock.now().getTime();
      for (const [budget, key] of budgets) outcome(budget, key, at);
    };
    return {
      succeeded: () =>
        settle((budget, key, at) => (budget === this.perPair ? budget.clear(key) : budget.release(key, at))),
      failed: () => settle((budget, key, at) => budget.failed(key, at)),
      release: () => settle((budget, key, at) => budget.release(key, at)),
    };
  }
}
