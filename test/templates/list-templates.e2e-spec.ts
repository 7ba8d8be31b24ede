import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { testNamespace } from '../support/namespace.js';
import { startTestApp } from '../support/test-app.js';

describe('GET /api/v1/templates (§3.5)', () => {
  let app: NestExpressApplication;
  let url: string;
  let user: TestAccount;
  const category = `Graphics & ${uniqueName('Design')}`;
  const tag = uniqueName('suite');
  const t = { alpha: uniqueName('alpha'), beta: uniqueName('beta'), gamma: uniqueName('gamma') };

  const list = async (query: string) => {
    const response = await request(url).get(`/api/v1/templates?${query}`).set('Authorization', user.bearer).expect(200);
    expect(response.body.total).toBe(response.body.templates.length);
    return response.body.templates as { name: string; usageCount: number }[];
  };
  /** Only this suite's Templates, in the order the server returned them. */
  const names = async (query: string) => (await list(`${query}&tags=${tag}`)).map((template) => template.name);

  const insertSessions = async (
    templateName: string,
    count: number,
    extra: { namespace?: string; deleted?: boolean } = {},
  ) => {
    const db = app.get<DataSource>(getDataSourceToken());
    for (let i = 0; i < count; i++) {
      await db.query(
        `INSERT INTO sessions (name, namespace, username, template_name, state, cpu, memory, cpu_millicores, memory_mib,
                               persistent_home, idle_timeout, max_session_duration, deleted_at)
         VALUES ($1, $2, 'alice', $3, 'running', '1000m', '2Gi', 1000, 2048, true, '30m', '8h', $4)`,
        [uniqueName('s'), extra.namespace ?? testNamespace(), templateName, extra.deleted ? new Date() : null],
      );
    }
  };

  beforeAll(async () => {
    ({ app, url } = await startTestApp());
    const operator = await createAccount(app, url, { role: 'operator' });
    user = await createAccount(app, url);
    const create = (body: object) =>
      request(url)
        .post('/api/v1/templates')
        .set('Authorization', operator.bearer)
        .send({ baseImage: 'image:1', category, ...body })
        .expect(201);
    // One second apart: creationTimestamp has whole seconds, and `sort=created` must tell them apart.
    await create({ name: t.beta, displayName: 'beta', tags: [tag, 'Paint'], featured: true });
    await sleep(1100);
    await create({
      name: t.alpha,
      displayName: 'Alpha',
      tags: [tag],
      appType: 'webapp',
      description: 'Has a NEEDLE inside',
    });
    await sleep(1100);
    await create({ name: t.gamma, displayName: 'gamma', tags: [tag, 'paint', 'image'] });
    await insertSessions(t.gamma, 2);
    await insertSessions(t.gamma, 1, { deleted: true });
    await insertSessions(t.beta, 1);
    await insertSessions(t.alpha, 5, { namespace: 'elsewhere' });
  });
  afterAll(() => app?.close());

  it('lists by display name ignoring case by default, with total', async () => {
    expect(await names('')).toEqual([t.alpha, t.beta, t.gamma]);
    expect(await names('sort=name')).toEqual([t.alpha, t.beta, t.gamma]);
  });

  it('sorts newest first with sort=created', async () => {
    expect(await names('sort=created')).toEqual([t.gamma, t.alpha, t.beta]);
  });

  it('counts every session ever started from a Template in this namespace, and sorts by it', async () => {
    const templates = await list(`tags=${tag}`);
    const usage = Object.fromEntries(templates.map((template) => [template.name, template.usageCount]));
    expect(usage).toEqual({ [t.gamma]: 3, [t.beta]: 1, [t.alpha]: 0 });
    expect(await names('sort=popularity')).toEqual([t.gamma, t.beta, t.alpha]);
    const one = await request(url).get(`/api/v1/templates/${t.gamma}`).set('Authorization', user.bearer).expect(200);
    expect(one.body.usageCount).toBe(3);
  });

  it('matches the category exactly, ignoring case, spaces included', async () => {
    const inCategory = (await list(`category=${encodeURIComponent(category.toUpperCase())}`)).map(
      (template) => template.name,
    );
    expect(inCategory).toEqual([t.alpha, t.beta, t.gamma]);
    expect(await names(`category=${encodeURIComponent('Graphics')}`)).toEqual([]);
  });

  it('searches name, display name, description and tags ignoring case', async () => {
    expect(await names('search=needle')).toEqual([t.alpha]);
    expect(await names('search=GAMM')).toEqual([t.gamma]);
    expect(await names(`search=${t.beta.slice(-6)}`)).toEqual([t.beta]);
    expect((await list(`search=${tag.toUpperCase()}`)).map((template) => template.name)).toEqual([
      t.alpha,
      t.beta,
      t.gamma,
    ]);
  });

  it('requires all tags, given repeated, bracketed or comma-separated', async () => {
    expect(await names('tags=PAINT')).toEqual([t.beta, t.gamma]);
    expect(await names('tags=paint&tags=image')).toEqual([t.gamma]);
    expect(await names('tags[]=paint&tags[]=image')).toEqual([t.gamma]);
    expect(await names('tags=paint,image')).toEqual([t.gamma]);
    expect(await names('tags[]=paint&tags=nothing-has-this')).toEqual([]);
  });

  it('keeps featured Templates for featured=true and filters by app type', async () => {
    expect(await names('featured=true')).toEqual([t.beta]);
    expect(await names('featured=FALSE')).toEqual([t.alpha, t.beta, t.gamma]);
    expect(await names('appType=webapp')).toEqual([t.alpha]);
    expect(await names('appType=desktop')).toEqual([t.beta, t.gamma]);
  });

  it('answers 400 for a bad boolean, app type or sort', async () => {
    for (const [query, message] of [
      ['featured=yes', 'featured: must be true or false'],
      ['appType=tv', 'appType: must be desktop or webapp'],
      ['sort=size', 'sort: must be name, created or popularity'],
    ]) {
      const response = await request(url)
        .get(`/api/v1/templates?${query}`)
        .set('Authorization', user.bearer)
        .expect(400);
      expect(response.body).toMatchObject({ error: 'Invalid request', message });
    }
  });
});
