import { describe, expect, it } from '@jest/globals';
import { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import { LoginThrottle } from './login-throttle.js';

const throttle = () =>
  new LoginThrottle(
    {
      loginFailuresPerMinute: { perUsernameAndAddress: 2, perAddress: 1_000_000, perUsername: 1_000_000 },
    } as AppConfig,
    new Clock(),
  );

const fail = (limiter: LoginThrottle, username: string, address: string) => limiter.admit(username, address).failed();

describe('LoginThrottle', () => {
  it('keeps a bounded number of counters: the least recently used make room', () => {
    const limiter = throttle();
    fail(limiter, 'alice', '192.0.2.1');
    fail(limiter, 'alice', '192.0.2.1');
    expect(() => limiter.admit('alice', '192.0.2.1')).toThrow('Too many failed logins');

    for (let i = 0; i < 50_000; i++) fail(limiter, `user${i}`, '192.0.2.2');
    expect(() => limiter.admit('alice', '192.0.2.1').release()).not.toThrow();
  });

  it('counts a long client address like any other', () => {
    const limiter = throttle();
    const address = 'x'.repeat(2_000_000);
    fail(limiter, 'bob', address);
    fail(limiter, 'bob', address);
    expect(() => limiter.admit('bob', address)).toThrow('Too many failed logins');
    expect(() => limiter.admit('bob', `${address}y`).release()).not.toThrow();
  });
});
