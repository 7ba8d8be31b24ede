import { describe, expect, it } from '@jest/globals';
import { redactUrl } from './logging.js';

describe('redactUrl', () => {
  it('hides tokens in the query and invitation tokens in the path', () => {
    expect(redactUrl('/api/v1/ws/sessions?token=abc&user=x')).toBe('/api/v1/ws/sessions?token=[REDACTED]&user=x');
    expect(redactUrl('/api/v1/invitations/Zm9vYmFy_-/accept')).toBe('/api/v1/invitations/[REDACTED]/accept');
    expect(redactUrl('/api/v1/invitations/Zm9vYmFy')).toBe('/api/v1/invitations/[REDACTED]');
    expect(redactUrl('/api/v1/sessions/s-1/invitations')).toBe('/api/v1/sessions/s-1/invitations');
  });
});
