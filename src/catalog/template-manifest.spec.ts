import { describe, expect, it } from '@jest/globals';
import {
  camelCaseKeys,
  checkTemplateSpec,
  completeTemplateSpec,
  extractTemplateSpec,
  sameJson,
} from './template-manifest.js';

describe('template manifests', () => {
  it('reads a bare spec from JSON text', () => {
    expect(extractTemplateSpec('{"displayName":"Firefox","baseImage":"firefox:1"}')).toEqual({
      displayName: 'Firefox',
      baseImage: 'firefox:1',
    });
  });

  it('reads the spec of a full object', () => {
    const manifest = {
      apiVersion: 'stream.space/v1alpha1',
      kind: 'Template',
      metadata: { name: 'x' },
      spec: { displayName: 'X', baseImage: 'x:1' },
    };
    expect(extractTemplateSpec(JSON.stringify(manifest))).toEqual({ displayName: 'X', baseImage: 'x:1' });
  });

  it('normalises PascalCase keys of older catalogs at every depth, values untouched', () => {
    expect(
      camelCaseKeys({
        DisplayName: 'GIMP',
        BaseImage: 'gimp:1',
        DefaultResources: { Memory: '2Gi', CPU: '1' },
        VNC: { Enabled: true, Port: 3000 },
        Env: [{ Name: 'TZ', Value: 'UTC' }],
        Tags: ['Graphics'],
      }),
    ).toEqual({
      displayName: 'GIMP',
      baseImage: 'gimp:1',
      defaultResources: { memory: '2Gi', cpu: '1' },
      vnc: { enabled: true, port: 3000 },
      env: [{ name: 'TZ', value: 'UTC' }],
      tags: ['Graphics'],
    });
  });

  it('says why text is not a manifest', () => {
    expect(() => extractTemplateSpec('{not json')).toThrow(/manifest is not valid JSON/);
    expect(() => extractTemplateSpec('[1,2]')).toThrow('manifest must be a JSON object');
  });

  it('accepts a valid spec, drops unknown keys and writes out the defaults', async () => {
    const checked = await checkTemplateSpec({
      displayName: 'Firefox',
      baseImage: 'lscr.io/linuxserver/firefox:latest',
      vnc: { port: 3000 },
      ports: [{ containerPort: 3000 }],
      bogus: 1,
    });
    expect(checked).toEqual({
      spec: {
        displayName: 'Firefox',
        baseImage: 'lscr.io/linuxserver/firefox:latest',
        description: '',
        category: 'Other',
        icon: '',
        appType: 'desktop',
        ports: [{ containerPort: 3000, protocol: 'TCP' }],
        env: [],
        vnc: { enabled: true, port: 3000 },
        capabilities: [],
        tags: [],
        featured: false,
      },
    });
  });

  it('names the first problem under the template create rules', async () => {
    expect(await checkTemplateSpec({ displayName: 'X' })).toEqual({ problem: expect.stringMatching(/^baseImage: /) });
    expect(await checkTemplateSpec({ displayName: 'X', baseImage: 'x:1', vnc: { port: 70000 } })).toEqual({
      problem: expect.stringMatching(/^vnc\.port: /),
    });
    expect(await checkTemplateSpec({ displayName: 'X', baseImage: 'x:1', defaultResources: { memory: '1m' } })).toEqual(
      {
        problem: expect.stringMatching(/^defaultResources\.memory: /),
      },
    );
    expect(await checkTemplateSpec({ displayName: 'X', baseImage: 'has space' })).toEqual({
      problem: 'baseImage: must not contain whitespace',
    });
  });

  it('keeps a spec without vnc without one', () => {
    expect(completeTemplateSpec({ displayName: 'X', baseImage: 'x' })).not.toHaveProperty('vnc');
  });

  it('compares JSON structurally, ignoring key order and undefined keys', () => {
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1, d: undefined })).toBe(true);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });
});
