import { describe, expect, it } from '@jest/globals';
import { homeVolumeName } from './names.js';

describe('homeVolumeName', () => {
  it('keeps a plain username readable', () => {
    expect(homeVolumeName('Alice')).toBe('home-alice');
  });

  it('adds a hash when characters had to be replaced, so similar names never share a volume', () => {
    const dotted = homeVolumeName('a.b');
    const dashed = homeVolumeName('a-b');
    expect(dashed).toBe('home-a-b');
    expect(dotted).toMatch(/^home-a-b-[0-9a-f]{8}$/);
    expect(dotted).not.toBe(dashed);
  });

  it('cuts long names to a valid DNS label', () => {
    const name = homeVolumeName('x'.repeat(63));
    expect(name).toMatch(/^home-x{49}-[0-9a-f]{8}$/);
    expect(name.length).toBeLessThanOrEqual(63);
  });
});
