import { describe, expect, it } from '@jest/globals';
import { sameSecret } from './security-headers.js';

describe('sameSecret', () => {
  it('matches only the exact secret, whatever the lengths', () => {
    expect(sameSecret('Bearer abc', 'Bearer abc')).toBe(true);
    expect(sameSecret('Bearer abd', 'Bearer abc')).toBe(false);
    expect(sameSecret('Bearer abcd', 'Bearer abc')).toBe(false);
    expect(sameSecret('', 'Bearer abc')).toBe(false);
    expect(sameSecret(undefined, 'Bearer abc')).toBe(false);
  });
});
