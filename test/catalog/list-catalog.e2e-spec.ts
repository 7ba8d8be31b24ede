import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { catalogEntry, startCatalogApp, temporaryCatalogFile } from './catalog-fixture.js';

/** Five entries whose counters make every sort order different. */
const ENTRIES = [
  catalogEntry(
    'browser-a',
    { displayName: 'Zeta Browser', category: 'Web Browsers', tags: ['web', 'privacy'], description: 'Surf the web' },
    { featured: true },
  ),
  catalogEntry('office-b', {
    displayName: 'alpha Office',
    category: 'Office',
    tags: ['documents'],
    description: 'Write 100% of your letters',
  }),
  catalogEntry('editor-c', {
    displayName: 'Beta Editor',
    category: 'Development',
    tags: ['ide', 'web'],
    appType: 'webapp',
    vnc: { enabled: false },
    ports: [{ containerPort: 8443 }],
  }),
  catalogEntry('paint-d', {
    displayName: 'Gamma Paint',
    category: 'Graphics',
    tags: ['Paint'],
    description: 'draw_things',
  }),
  catalogEntry(
    'game-e',
    { displayName: 'delta Game', category: 'Games', tags: ['retro'], description: 'drawing games' },
    { featured: true },
  ),
];
const COUNTERS: [string, number, number, number, string][] = [
  // name, installs, views, rating, created
  ['browser-a', 5, 20, 4.5, '2025-01-01'],
  ['office-b', 5, 10, 3, '2025-02-01'],
  ['editor-c', 1, 3, 5, '2025-03-01'],
  ['paint-d', 0, 2, 1, '2025-04-01'],
  ['game-e', 9, 0, 2, '2025-05-01'],
];

describe('GET /api/v1/catalog/templates and /:id (§3.6)', () => {
  const file = temporaryCatalogFile(ENTRIES);
  let env: Awaited<ReturnType<typeof startCatalogApp>>;
  let user: TestAccount;

  const list = (query: string) =>
    request(env.url).get(`/api/v1/catalog/templates${query}`).set('Authorization', user.bearer);
  const names = async (query: string) =>
    (await list(query).expect(200)).body.templates.map((t: { name: string }) => t.name);

  beforeAll(async () => {
    env = await startCatalogApp({ CATALOG_FILE: file.path });
    user = await createAccount(env.app, env.url);
    for (const [name, installs, views, rating, created] of COUNTERS)
      await env.db.query(
        'UPDATE catalog_templates SET install_count = $2, view_count = $3, avg_rating = $4, created_at = $5 WHERE name = $1',
        [name, installs, views, rating, created],
      );
  });
  afterAll(async () => {
    await env?.close();
    file.remove();
  });

  it('lists active entries by display name, case-insensitively, without manifests', async () => {
    const { body } = await list('').expect(200);
    expect(body).toMatchObject({ total: 5, page: 1, limit: 20, totalPages: 1 });
    expect(body.templates.map((t: { name: string }) => t.name)).toEqual([
      'office-b',
      'editor-c',
      'game-e',
      'paint-d',
      'browser-a',
    ]);
    const browser = body.templates.find((t: { name: string }) => t.name === 'browser-a');
    expect(browser).toEqual({
      id: expect.any(Number),
      repositoryId: 0,
      name: 'browser-a',
      displayName: 'Zeta Browser',
      description: 'Surf the web',
      category: 'Web Browsers',
      appType: 'desktop',
      icon: '',
      tags: ['web', 'privacy'],
      installCount: 5,
      isFeatured: true,
      version: '1.0.0',
      viewCount: 20,
      avgRating: 4.5,
      ratingCount: 0,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      repository: { name: 'builtin', url: '' },
    });
  });

  it.each([
    ['name', ['office-b', 'editor-c', 'game-e', 'paint-d', 'browser-a']],
    ['popular', ['game-e', 'browser-a', 'office-b', 'editor-c', 'paint-d']],
    ['installs', ['game-e', 'office-b', 'browser-a', 'editor-c', 'paint-d']],
    ['rating', ['editor-c', 'browser-a', 'office-b', 'game-e', 'paint-d']],
    ['recent', ['game-e', 'paint-d', 'editor-c', 'office-b', 'browser-a']],
    ['views', ['browser-a', 'office-b', 'editor-c', 'paint-d', 'game-e']],
  ])('sorts by %s', async (sort, expected) => {
    expect(await names(`?sort=${sort}`)).toEqual(expected);
  });

  it('searches name, display name, description and tags case-insensitively, wildcards taken literally', async () => {
    expect(await names('?search=WEB')).toEqual(['editor-c', 'browser-a']);
    expect(await names('?search=GAME-E')).toEqual(['game-e']);
    expect(await names('?search=draw_')).toEqual(['paint-d']);
    expect(await names('?search=100%25')).toEqual(['office-b']);
    expect(await names('?search=PRIVACY')).toEqual(['browser-a']);
  });

  it('filters by category (case-insensitive, exact), tag (exact element), app type and featured', async () => {
    expect(await names('?category=web%20browsers')).toEqual(['browser-a']);
    expect(await names('?category=Web')).toEqual([]);
    expect(await names('?tag=web')).toEqual(['editor-c', 'browser-a']);
    expect(await names('?tag=paint')).toEqual([]);
    expect(await names('?tag=Paint')).toEqual(['paint-d']);
    expect(await names('?appType=webapp')).toEqual(['editor-c']);
    expect(await names('?featured=true')).toEqual(['game-e', 'browser-a']);
    expect(await names('?featured=FALSE')).toHaveLength(5);
    expect(await names('?tag=web&search=surf&featured=true&category=WEB%20BROWSERS&appType=desktop')).toEqual([
      'browser-a',
    ]);
  });

  it('pages in SQL and clamps large limits to 100', async () => {
    expect((await list('?limit=2&page=2').expect(200)).body).toMatchObject({
      total: 5,
      page: 2,
      limit: 2,
      totalPages: 3,
    });
    expect(await names('?limit=2&page=2')).toEqual(['game-e', 'paint-d']);
    expect(await names('?limit=2&page=3&sort=name')).toEqual(['browser-a']);
    expect((await list('?limit=2&page=4').expect(200)).body).toMatchObject({ templates: [], total: 5, totalPages: 3 });
    const clamped = (await list('?limit=500').expect(200)).body;
    expect(clamped).toMatchObject({ limit: 100, total: 5, totalPages: 1 });
    expect(clamped.templates).toHaveLength(5);
  });

  it.each([
    ['?sort=stars', 'sort: must be one of name, popular, installs, rating, recent, views'],
    ['?page=0', 'page: must not be less than 1'],
    ['?limit=0', 'limit: must not be less than 1'],
    ['?limit=ten', 'limit: must be an integer'],
    ['?page=1.5', 'page: must be an integer'],
    ['?featured=yes', 'featured: must be true or false'],
    ['?appType=mobile', 'appType: must be desktop or webapp'],
  ])('answers 400 for %s', async (query, message) => {
    const { body } = await list(query).expect(400);
    const [field, problem] = message.split(': ');
    expect(body).toMatchObject({ error: 'Invalid request', message: expect.stringMatching(new RegExp(`^${field}: `)) });
    expect(body.details).toEqual(expect.arrayContaining([{ field, message: problem }]));
  });

  it('reads one entry with its manifest and counts the view', async () => {
    const [{ id }] = await env.db.query(`SELECT id FROM catalog_templates WHERE name = 'paint-d'`);
    const { body } = await request(env.url)
      .get(`/api/v1/catalog/templates/${id}`)
      .set('Authorization', user.bearer)
      .expect(200);
    expect(body).toMatchObject({ id, name: 'paint-d', viewCount: 3 });
    expect(JSON.parse(body.manifest)).toMatchObject({
      displayName: 'Gamma Paint',
      baseImage: 'registry.example/paint-d:1',
      tags: ['Paint'],
    });
    await request(env.url).get(`/api/v1/catalog/templates/${id}`).set('Authorization', user.bearer).expect(200);
    const [{ view_count }] = await env.db.query('SELECT view_count FROM catalog_templates WHERE id = $1', [id]);
    expect(view_count).toBe(4);
  });

  it('answers 404 for an unknown id and 400 for a non-integer one', async () => {
    for (const id of ['999999', '2147483000', '2147483647', '0']) {
      await request(env.url)
        .get(`/api/v1/catalog/templates/${id}`)
        .set('Authorization', user.bearer)
        .expect(404, { error: 'Catalog template not found', message: `No catalog template with ID ${id}` });
    }
    for (const id of ['firefox', '-1', '1.5', '1e3', '2147483648', '99999999999999999999']) {
      const { body } = await request(env.url)
        .get(`/api/v1/catalog/templates/${id}`)
        .set('Authorization', user.bearer)
        .expect(400);
      expect(body).toMatchObject({ error: 'Invalid request', message: 'id: must be an integer up to 2147483647' });
    }
  });

  it('serves the whole bundled catalog to limit=100, as the UI asks', async () => {
    const bundled = await env.restart({ CATALOG_FILE: '' });
    const reader = await createAccount(bundled.app, bundled.url);
    const { body } = await request(bundled.url)
      .get('/api/v1/catalog/templates?limit=100')
      .set('Authorization', reader.bearer)
      .expect(200);
    expect(body.total).toBeGreaterThanOrEqual(40);
    expect(body.templates).toHaveLength(body.total);
    expect(body.templates[0]).toEqual(
      expect.objectContaining({
        id: expect.any(Number),
        displayName: expect.any(String),
        category: expect.any(String),
      }),
    );
  });
});
