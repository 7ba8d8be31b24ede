import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { CreateTemplateDto, UpdateTemplateDto } from './template.dto.js';
import { toSpecMergePatch, toTemplateSpec } from './template-spec.js';

describe('toTemplateSpec', () => {
  it('writes the given fields as plain data, leaving defaults to the CRD and ignoring nulls', () => {
    const input = plainToInstance(CreateTemplateDto, {
      name: 'firefox',
      displayName: 'Firefox',
      baseImage: 'firefox:1',
      description: null,
      ports: [{ containerPort: 8080 }],
      vnc: { port: 5900 },
    });
    const spec = toTemplateSpec(input);
    expect(spec).toEqual({
      displayName: 'Firefox',
      baseImage: 'firefox:1',
      ports: [{ containerPort: 8080 }],
      vnc: { port: 5900 },
    });
    expect(Object.getPrototypeOf(spec.vnc)).toBe(Object.prototype);
    expect(spec).not.toHaveProperty('name');
  });
});

describe('toSpecMergePatch', () => {
  it('replaces given fields, removes null ones and leaves absent ones alone', () => {
    const patch = toSpecMergePatch(
      plainToInstance(UpdateTemplateDto, { displayName: 'New', description: null, tags: ['a'] }),
    );
    expect(patch).toEqual({ displayName: 'New', description: null, tags: ['a'] });
  });

  it('replaces nested objects whole by nulling the keys left out', () => {
    const patch = toSpecMergePatch(
      plainToInstance(UpdateTemplateDto, { vnc: { port: 5900 }, defaultResources: { cpu: '2' } }),
    );
    expect(patch).toEqual({ vnc: { enabled: null, port: 5900 }, defaultResources: { cpu: '2', memory: null } });
  });

  it('is empty when nothing but ignored fields is given', () => {
    expect(toSpecMergePatch(plainToInstance(UpdateTemplateDto, {}))).toEqual({});
  });
});
