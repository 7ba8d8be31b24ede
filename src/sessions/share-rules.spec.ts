import { describe, expect, it } from '@jest/globals';
import { higherLevel, shareAllows } from './share-rules.js';

describe('share rules (§3.17)', () => {
  it('lets every level view, only control change state, and no level manage', () => {
    for (const level of ['view', 'collaborate', 'control'] as const) {
      expect(shareAllows(level, 'view')).toBe(true);
      expect(shareAllows(level, 'manage')).toBe(false);
    }
    expect(shareAllows('view', 'control')).toBe(false);
    expect(shareAllows('collaborate', 'control')).toBe(false);
    expect(shareAllows('control', 'control')).toBe(true);
  });

  it('never lowers a level', () => {
    expect(higherLevel('control', 'view')).toBe('control');
    expect(higherLevel('view', 'collaborate')).toBe('collaborate');
  });
});
