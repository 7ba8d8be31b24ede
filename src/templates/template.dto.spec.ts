import { describe, expect, it } from '@jest/globals';
import type { ApiError } from '../common/api-error.js';
import { createValidationPipe } from '../common/validation.js';
import { CreateTemplateDto, ListTemplatesQuery, UpdateTemplateDto } from './template.dto.js';

const pipe = createValidationPipe();
const valid = { name: 'firefox', displayName: 'Firefox', baseImage: 'firefox:1' };

async function problem(
  metatype: new () => object,
  value: object,
  type: 'body' | 'query' = 'body',
): Promise<string | undefined> {
  try {
    await pipe.transform(value, { type, metatype });
    return undefined;
  } catch (error) {
    return (error as ApiError).message;
  }
}

describe('CreateTemplateDto', () => {
  it('accepts a minimal and a full TemplateInput', async () => {
    expect(await problem(CreateTemplateDto, valid)).toBeUndefined();
    const full = {
      ...valid,
      description: 'Browser',
      category: 'Web Browsers',
      icon: 'https://example.com/firefox.png',
      appType: 'webapp',
      defaultResources: { memory: '2Gi', cpu: '1' },
      ports: [{ name: 'http', containerPort: 8080, protocol: 'UDP' }],
      env: [{ name: 'HOME_DIR', value: '/config' }],
      vnc: { enabled: false, port: 5900 },
      capabilities: ['Network', 'Audio'],
      tags: ['Web Browser'],
      featured: true,
    };
    expect(await problem(CreateTemplateDto, full)).toBeUndefined();
  });

  it.each([
    ['name: must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', { name: undefined }],
    ['name: must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', { name: 'Firefox' }],
    ['name: must be shorter than or equal to 63 characters', { name: 'a'.repeat(64) }],
    ['displayName: must be 1–128 characters', { displayName: '' }],
    ['displayName: must be a string', { displayName: null }],
    ['baseImage: must not contain whitespace', { baseImage: 'fire fox' }],
    ['description: must be shorter than or equal to 4096 characters', { description: 'x'.repeat(4097) }],
    ['category: must be shorter than or equal to 128 characters', { category: 'x'.repeat(129) }],
    ['icon: must be an http or https URL, or empty', { icon: 'javascript:alert(1)' }],
    ['appType: must be desktop or webapp', { appType: 'mobile' }],
    ['defaultResources.cpu: must be at least 100m', { defaultResources: { cpu: '50m' } }],
    ['defaultResources.memory: must be at most 512Gi', { defaultResources: { memory: '1Ti' } }],
    ['defaultResources: must be an object', { defaultResources: 'big' }],
    [
      'ports: must contain no more than 16 elements',
      { ports: Array.from({ length: 17 }, (_, i) => ({ containerPort: 1000 + i })) },
    ],
    ['ports[0].containerPort: must be an integer from 1 to 65535', { ports: [{ containerPort: 0 }] }],
    ['ports[0].name: must match ^[a-z0-9-]{1,15}$', { ports: [{ containerPort: 80, name: 'HTTP' }] }],
    [
      'ports[0].protocol: must be one of the following values: TCP, UDP',
      { ports: [{ containerPort: 80, protocol: 'SCTP' }] },
    ],
    ['env[0].name: must match ^[A-Za-z_][A-Za-z0-9_]*$', { env: [{ name: '1X', value: 'v' }] }],
    ['env[0].value: must be a string', { env: [{ name: 'X' }] }],
    [
      'env: must contain no more than 128 elements',
      { env: Array.from({ length: 129 }, (_, i) => ({ name: `V${i}`, value: '' })) },
    ],
    ['vnc.port: must be an integer from 1 to 65535', { vnc: { port: 65536 } }],
    ['vnc.enabled: must be a boolean value', { vnc: { enabled: 'yes' } }],
    [
      'capabilities: must contain only Network, Audio, Clipboard, USB, Printing',
      { capabilities: ['Network', 'Teleport'] },
    ],
    ['tags: must contain no more than 32 elements', { tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }],
    ['tags: items must not contain control characters', { tags: ['ok', 'bad\u0007'] }],
    ['tags: items must be 1–63 characters', { tags: ['x'.repeat(64)] }],
    ['featured: must be a boolean value', { featured: 'true' }],
  ])('rejects with "%s"', async (message, change) => {
    expect(await problem(CreateTemplateDto, { ...valid, ...change })).toBe(message);
  });

  it('strips unknown fields instead of rejecting them', async () => {
    const dto = await pipe.transform(
      { ...valid, namespace: 'x', state: 'running' },
      { type: 'body', metatype: CreateTemplateDto },
    );
    expect(dto).not.toHaveProperty('namespace');
  });
});

describe('UpdateTemplateDto', () => {
  it('accepts any subset, and null for optional fields', async () => {
    expect(await problem(UpdateTemplateDto, {})).toBeUndefined();
    expect(await problem(UpdateTemplateDto, { description: null, vnc: null, tags: null })).toBeUndefined();
  });

  it('refuses null for the required displayName and baseImage, and applies the create rules', async () => {
    expect(await problem(UpdateTemplateDto, { displayName: null })).toBe('displayName: must be a string');
    expect(await problem(UpdateTemplateDto, { baseImage: null })).toBe('baseImage: must be a string');
    expect(await problem(UpdateTemplateDto, { ports: [{ containerPort: 99999 }] })).toBe(
      'ports[0].containerPort: must be an integer from 1 to 65535',
    );
  });
});

describe('ListTemplatesQuery', () => {
  it('merges repeated, bracketed and comma-separated tags', async () => {
    const query = (await pipe.transform(
      { tags: ['a', 'b,c'], 'tags[]': 'd' },
      { type: 'query', metatype: ListTemplatesQuery },
    )) as ListTemplatesQuery;
    expect(query.tags).toEqual(['a', 'b', 'c', 'd']);
  });

  it('reads featured as a case-insensitive boolean and refuses anything else', async () => {
    const query = (await pipe.transform(
      { featured: 'TRUE' },
      { type: 'query', metatype: ListTemplatesQuery },
    )) as ListTemplatesQuery;
    expect(query.featured).toBe(true);
    expect(await problem(ListTemplatesQuery, { featured: 'yes' }, 'query')).toBe('featured: must be true or false');
    expect(await problem(ListTemplatesQuery, { sort: 'size' }, 'query')).toBe(
      'sort: must be name, created or popularity',
    );
    expect(await problem(ListTemplatesQuery, { appType: 'tv' }, 'query')).toBe('appType: must be desktop or webapp');
  });
});
