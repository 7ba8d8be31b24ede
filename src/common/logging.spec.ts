import { describe, expect, it } from '@jest/globals';
import { completionLevel, redactUrl } from './logging.js';

describe('completionLevel', () => {
  it('puts successful reads and heartbeats at debug', () => {
    expect(completionLevel('GET', '/api/v1/sessions', 200)).toBe('debug');
    expect(completionLevel('HEAD', '/health', 200)).toBe('debug');
    expect(completionLevel('POST', '/api/v1/sessions/alice-firefox-1a2b/heartbeat', 200)).toBe('debug');
    expect(completionLevel('POST', '/api/v1/sessions/alice-firefox-1a2b/heartbeat?connectionId=x', 200)).toBe('debug');
  });

  it('always logs writes, refusals and failures', () => {
    expect(completionLevel('POST', '/api/v1/sessions', 202)).toBe('info');
    expect(completionLevel('DELETE', '/api/v1/sessions/x', 202)).toBe('info');
    expect(completionLevel('POST', '/api/v1/sessions/heartbeat-x/tags', 200)).toBe('info');
    expect(completionLevel('GET', '/api/v1/sessions', 401)).toBe('info');
    expect(completionLevel('POST', '/api/v1/sessions/x/heartbeat', 409)).toBe('info');
    expect(completionLevel('GET', '/api/v1/sessions', 503)).toBe('error');
    expect(completionLevel('GET', '/api/v1/sessions', 200, new Error('aborted'))).toBe('error');
  });
});

describe('redactUrl', () => {
  it('hides tokens in the query and invitation tokens in the path', () => {
    expect(redactUrl('/api/v1/ws/sessions?token=abc&user=x')).toBe('/api/v1/ws/sessions?token=[REDACTED]&user=x');
    expect(redactUrl('/api/v1/invitations/Zm9vYmFy_-/accept')).toBe('/api/v1/invitations/[REDACTED]/accept');
    expect(redactUrl('/api/v1/invitations/Zm9vYmFy')).toBe('/api/v1/invitations/[REDACTED]');
    expect(redactUrl('/api/v1/sessions/s-1/invitations')).toBe('/api/v1/sessions/s-1/invitations');
  });
});
