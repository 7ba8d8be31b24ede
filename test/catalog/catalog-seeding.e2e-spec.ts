import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { freePorts } from '../control-plane/control-plane.js';
import { createAccount } from '../support/accounts.js';
import { createScratchDatabase } from '../support/database.js';
import { spawnServer } from '../support/server-process.js';
import { catalogEntry, startCatalogApp, temporaryCatalogFile } from './catalog-fixture.js';

interface Row {
  id: number;
  name: string;
  display_name: string;
  install_count: number;
  view_count: number;
  active: boolean;
}

describe('catalog seeding at start (§3.6)', () => {
  const file = temporaryCatalogFile([
    catalogEntry('alpha', { displayName: 'Alpha', tags: ['one'] }),
    catalogEntry('beta', { displayName: 'Beta' }),
    catalogEntry('gamma', { displayName: 'Gamma' }),
  ]);
  let env: Awaited<ReturnType<typeof startCatalogApp>>;
  const rows = async (db: DataSource) =>
    await db.query<Row[]>(
      'SELECT id, name, display_name, install_count, view_count, active FROM catalog_templates ORDER BY name',
    );

  beforeAll(async () => {
    env = await startCatalogApp({ CATALOG_FILE: file.path });
  });
  afterAll(async () => {
    await env?.close();
    file.remove();
  });

  it('upserts by name across restarts: ids stable, counters kept, changes applied, dropped entries inactive', async () => {
    const first = await rows(env.db);
    expect(first.map((row) => [row.name, row.active])).toEqual([
      ['alpha', true],
      ['beta', true],
      ['gamma', true],
    ]);
    await env.db.query(`UPDATE catalog_templates SET install_count = 3, view_count = 7 WHERE name = 'alpha'`);

    // Same file again: nothing changes.
    const again = await env.restart();
    expect(await rows(again.db)).toEqual(
      first.map((row) => (row.name === 'alpha' ? { ...row, install_count: 3, view_count: 7 } : row)),
    );

    file.write([
      catalogEntry('alpha', { displayName: 'Alpha Renamed' }),
      catalogEntry('gamma', { displayName: 'Gamma' }),
      catalogEntry('delta'),
    ]);
    const changed = await env.restart();
    const after = await rows(changed.db);
    const byName = new Map(after.map((row) => [row.name, row]));
    const id = (name: string) => first.find((row) => row.name === name)!.id;
    expect(byName.get('alpha')).toEqual({
      id: id('alpha'),
      name: 'alpha',
      display_name: 'Alpha Renamed',
      install_count: 3,
      view_count: 7,
      active: true,
    });
    expect(byName.get('beta')).toMatchObject({ id: id('beta'), active: false });
    expect(byName.get('gamma')).toMatchObject({ id: id('gamma'), active: true });
    expect(byName.get('delta')).toMatchObject({ active: true });
    expect(byName.get('delta')!.id).toBeGreaterThan(Math.max(...first.map((row) => row.id)));

    // Inactive entries leave the listing but the row (and its id) stays for installed applications.
    const reader = await createAccount(changed.app, changed.url);
    const { body } = await request(changed.url)
      .get('/api/v1/catalog/templates')
      .set('Authorization', reader.bearer)
      .expect(200);
    expect(body.templates.map((t: { name: string }) => t.name)).toEqual(['alpha', 'delta', 'gamma']);
    await request(changed.url)
      .get(`/api/v1/catalog/templates/${id('beta')}`)
      .set('Authorization', reader.bearer)
      .expect(404);

    // Back in the file: active again, same id.
    file.write([
      catalogEntry('alpha', { displayName: 'Alpha Renamed' }),
      catalogEntry('beta', { displayName: 'Beta' }),
    ]);
    const back = await env.restart();
    const restored = new Map((await rows(back.db)).map((row) => [row.name, row]));
    expect(restored.get('beta')).toMatchObject({ id: id('beta'), active: true });
    expect(restored.get('gamma')).toMatchObject({ id: id('gamma'), active: false });
  });

  it('seeds the bundled catalog by default', async () => {
    const bundled = await env.restart({ CATALOG_FILE: '' });
    const [{ count }] = await bundled.db.query(
      `SELECT count(*)::int AS count FROM catalog_templates WHERE active AND name = 'firefox'`,
    );
    expect(count).toBe(1);
  });
});

describe('a malformed catalog file', () => {
  it('stops the server at start with a message naming the entry and the problem', async () => {
    const database = await createScratchDatabase();
    const file = temporaryCatalogFile([catalogEntry('fine'), { name: 'broken', spec: { displayName: 'Broken' } }]);
    const [port] = await freePorts(1);
    const server = spawnServer({
      API_PORT: String(port),
      DATABASE_URL: database.url,
      KUBECONFIG: process.env.KUBECONFIG,
      CATALOG_FILE: file.path,
      RECONCILER_ENABLED: 'false',
    });
    try {
      expect(await server.exited).toEqual({ code: 1, signal: null });
      expect(server.stderr()).toContain(`Catalog file ${file.path}: entry 2 (broken): spec.baseImage:`);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      file.remove();
      await database.drop();
    }
  }, 90_000);
});
