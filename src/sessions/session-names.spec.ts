import { describe, expect, it } from '@jest/globals';
import { newSessionName } from './session-names.js';

describe('newSessionName', () => {
  it('joins the lower-cased user and template with a random suffix', () => {
    expect(newSessionName('Alice.Smith', 'firefox', '3f9c0a1b')).toBe('alice-smith-firefox-3f9c0a1b');
    expect(newSessionName('bob', 'firefox')).toMatch(/^bob-firefox-[0-9a-f]{8}$/);
  });

  it('cuts long names to 51 characters before the suffix, never ending on a dash', () => {
    const name = newSessionName('u'.repeat(50), 'x-template', 'abcdef01');
    expect(name).toBe(`${'u'.repeat(50)}-abcdef01`);
    expect(newSessionName('a'.repeat(63), 'b'.repeat(63), '00000000').length).toBeLessThanOrEqual(60);
  });

  it('falls back to "session" when nothing usable is left', () => {
    expect(newSessionName('__', '', '12345678')).toBe('session-12345678');
  });
});
