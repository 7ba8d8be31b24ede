import { describe, expect, it } from '@jest/globals';
import type { TemplateResource } from '../kubernetes/resources.js';
import { desiredTemplateStatus, statusDiffers } from './template-validation.reconciler.js';

const template = (spec: TemplateResource['spec'], generation = 2): TemplateResource => ({
  apiVersion: 'stream.space/v1alpha1',
  kind: 'Template',
  metadata: { name: 'firefox', generation },
  spec,
});

describe('desiredTemplateStatus', () => {
  it('marks a valid Template valid for its generation', () => {
    expect(desiredTemplateStatus(template({ displayName: 'Firefox', baseImage: 'firefox:1' }))).toEqual({
      valid: true,
      message: 'Template is valid',
      observedGeneration: 2,
    });
  });

  it('marks an invalid Template invalid with its first problem', () => {
    expect(desiredTemplateStatus(template({ displayName: 'Firefox', baseImage: 'fire\u00a0fox' }, 5))).toEqual({
      valid: false,
      message: 'baseImage: must not contain whitespace',
      observedGeneration: 5,
    });
  });
});

describe('statusDiffers', () => {
  const desired = { valid: true, message: 'Template is valid', observedGeneration: 2 };

  it('asks for a write when there is no status, or any field changed', () => {
    expect(statusDiffers(undefined, desired)).toBe(true);
    expect(statusDiffers({ ...desired, observedGeneration: 1 }, desired)).toBe(true);
    expect(statusDiffers({ ...desired, valid: false }, desired)).toBe(true);
    expect(statusDiffers({ ...desired, message: 'old' }, desired)).toBe(true);
  });

  it('leaves an up-to-date status alone', () => {
    expect(statusDiffers({ ...desired }, desired)).toBe(false);
  });
});
