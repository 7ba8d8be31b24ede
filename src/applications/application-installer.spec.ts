import { describe, expect, it } from '@jest/globals';
import { applicationTemplateName } from './application-installer.js';

describe('application Template names', () => {
  it('appends 8 random hex characters to the catalog name, so each installation gets its own', () => {
    const [a, b] = [applicationTemplateName('firefox'), applicationTemplateName('firefox')];
    expect(a).toMatch(/^firefox-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
  });

  it('cuts the catalog name to 54 characters so the name fits 63', () => {
    const name = applicationTemplateName('a'.repeat(63));
    expect(name).toMatch(/^a{54}-[0-9a-f]{8}$/);
    expect(name).toHaveLength(63);
  });
});
