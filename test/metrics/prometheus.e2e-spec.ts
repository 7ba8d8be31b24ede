import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import request from 'supertest';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { MetricsService } from '../../src/metrics/metrics.service.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { createTemplate, launchSession } from '../support/sessions.js';
import { startTestApp } from '../support/test-app.js';

type Family = { name: string; type: string; metrics: { value?: string; labels?: Record<string, string> }[] };

describe('Prometheus metrics at /metrics (§3.12)', () => {
  let app: NestExpressApplication;
  let url: string;
  let user: TestAccount;
  let admin: TestAccount;
  const token = 'metrics-token-0123456789';

  async function scrape(): Promise<Map<string, Family>> {
    const response = await request(url).get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    return new Map((parsePrometheusTextFormat(response.text) as Family[]).map((family) => [family.name, family]));
  }
  const value = (families: Map<string, Family>, name: string, labels: Record<string, string> = {}) =>
    Number(
      families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value ??
        0,
    );

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false', METRICS_TOKEN: token }));
    [user, admin] = await Promise.all([createAccount(app, url), createAccount(app, url, { role: 'admin' })]);
  });
  afterAll(() => app?.close());

  it('requires METRICS_TOKEN when it is set', async () => {
    await request(url).get('/metrics').expect(401);
    await request(url).get('/metrics').set('Authorization', 'Bearer wrong').expect(401);
  });

  it('exposes every series of the contract, parseable, with default process metrics', async () => {
    const families = await scrape();
    for (const name of [
      'streamspace_sessions',
      'streamspace_sessions_created_total',
      'streamspace_session_start_duration_seconds',
      'streamspace_session_hibernations_total',
      'streamspace_connections_active',
      'streamspace_quota_rejections_total',
      'streamspace_http_requests_total',
      'streamspace_http_request_duration_seconds',
      'streamspace_websocket_clients',
      'streamspace_reconcile_total',
      'streamspace_reconcile_duration_seconds',
      'streamspace_lifecycle_loop_duration_seconds',
      'streamspace_k8s_watch_restarts_total',
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
    ])
      expect({ name, present: families.has(name) }).toEqual({ name, present: true });
    expect(families.get('streamspace_session_start_duration_seconds')!.type).toBe('HISTOGRAM');
  });

  it('counts what the server does: requests by route template, sessions, connections, hibernations, quota refusals', async () => {
    const template = await createTemplate(app);
    const before = await scrape();
    const session = await launchSession(url, user, { template });
    await request(url).get(`/api/v1/sessions/${session.name}`).set('Authorization', user.bearer).expect(200);
    await request(url).get(`/api/v1/sessions/${session.name}/connect`).set('Authorization', user.bearer).expect(200);
    await request(url)
      .patch(`/api/v1/sessions/${session.name}`)
      .set('Authorization', user.bearer)
      .send({ state: 'hibernated' })
      .expect(202);
    await request(url)
      .put(`/api/v1/users/${user.id}/quota`)
      .set('Authorization', admin.bearer)
      .send({ maxSessions: 0 })
      .expect(200);
    await request(url).post('/api/v1/sessions').set('Authorization', user.bearer).send({ template }).expect(403);

    const after = await scrape();
    expect(value(after, 'streamspace_sessions_created_total')).toBe(
      value(before, 'streamspace_sessions_created_total') + 1,
    );
    const route = { method: 'GET', route: '/api/v1/sessions/:id', status: '200' };
    expect(value(after, 'streamspace_http_requests_total', route)).toBe(
      value(before, 'streamspace_http_requests_total', route) + 1,
    );
    expect(
      [...after.get('streamspace_http_requests_total')!.metrics].some((m) => m.labels?.route?.includes(session.name)),
    ).toBe(false);
    expect(value(after, 'streamspace_session_hibernations_total', { reason: 'user' })).toBe(
      value(before, 'streamspace_session_hibernations_total', { reason: 'user' }) + 1,
    );
    expect(value(after, 'streamspace_quota_rejections_total', { resource: 'sessions' })).toBe(
      value(before, 'streamspace_quota_rejections_total', { resource: 'sessions' }) + 1,
    );
    expect(value(after, 'streamspace_sessions', { state: 'hibernated', phase: 'Pending' })).toBeGreaterThanOrEqual(1);
  });

  it('times a session start until the watch shows it Running', async () => {
    const other = await createAccount(app, url);
    const template = await createTemplate(app);
    // The text parser drops histogram labels, so the count is read from the registry itself.
    const started = async () =>
      (await app.get(MetricsService).sessionStart.get()).values.find(
        (sample) =>
          sample.metricName === 'streamspace_session_start_duration_seconds_count' &&
          sample.labels.result === 'running',
      )?.value ?? 0;
    const session = await launchSession(url, other, { template });
    const before = await started();
    await app.get(K8sService).sessions.patchStatus(session.name, { phase: 'Running' });
    await eventually(async () => expect(await started()).toBe(before + 1));
  });
});
