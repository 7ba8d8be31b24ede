import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ControlPlane } from '../control-plane/control-plane.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { startTestApp } from '../support/test-app.js';

const CRD_DIR = new URL('../../helm/streamspace-api/crds', import.meta.url).pathname;

/** A private API server that starts without our CRDs, so the server can see them appear. */
describe('health (api-contract §3.13)', () => {
  let plane: ControlPlane;
  let app: NestExpressApplication;
  let url: string;
  const emptyCrdDir = mkdtempSync(join(tmpdir(), 'no-crds-'));

  beforeAll(async () => {
    plane = await ControlPlane.start({ mode: 'lite', crdDir: emptyCrdDir });
    ({ app, url } = await startTestApp({ KUBECONFIG: plane.kubeconfigPath }));
  });
  afterAll(async () => {
    await app?.close();
    await plane?.stop();
    rmSync(emptyCrdDir, { recursive: true, force: true });
  });

  it('is unhealthy while the CRDs are missing, and says so', async () => {
    const response = await request(url).get('/health').expect(503);
    expect(response.body).toMatchObject({
      status: 'unhealthy',
      service: 'streamspace-api',
      checks: {
        database: { status: 'up' },
        kubernetes: { status: 'down', error: 'CRD sessions.stream.space is not installed' },
      },
    });
  });

  it('is healthy on both paths once the CRDs are applied', async () => {
    await kubectl(['apply', '-f', CRD_DIR], undefined, plane.kubeconfigPath);
    await kubectl(
      ['wait', '--for=condition=Established', '--timeout=30s', '-f', CRD_DIR],
      undefined,
      plane.kubeconfigPath,
    );
    for (const path of ['/health', '/api/v1/health']) {
      const response = await eventually(() => request(url).get(path).expect(200));
      expect(response.body).toEqual({
        status: 'healthy',
        service: 'streamspace-api',
        version: expect.any(String),
        checks: {
          database: { status: 'up', latencyMs: expect.any(Number) },
          kubernetes: { status: 'up', latencyMs: expect.any(Number) },
        },
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
    }
  });

  it('answers 503 while the API server is stopped and recovers when it is back; liveness stays 200', async () => {
    await plane.stopApiServer();
    try {
      // A report is reused for up to 2 s, so the outage shows once that has passed.
      const response = await eventually(() => request(url).get('/health').expect(503));
      expect(response.body.checks.kubernetes).toMatchObject({ status: 'down', error: expect.any(String) });
      expect(response.body.checks.database.status).toBe('up');
      await request(url).get('/api/v1/health').expect(503);
      await request(url).get('/health/live').expect(200, { status: 'alive' });
    } finally {
      await plane.startApiServer();
    }
    await eventually(() => request(url).get('/health').expect(200));
  }, 60_000);

  it('answers a flood of probes from one check at a time, at most 2 s old', async () => {
    const expireCachedReport = () => new Promise((resolve) => setTimeout(resolve, 2100));
    await expireCachedReport();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        request(url)
          .get(i % 2 ? '/health' : '/api/v1/health')
          .expect(200),
      ),
    );
    const timestamps = new Set(answers.map((answer) => answer.body.timestamp as string));
    expect(timestamps.size).toBe(1);
    await expireCachedReport();
    const later = await request(url).get('/health').expect(200);
    expect(later.body.timestamp).not.toBe([...timestamps][0]);
  });

  it('reports the version on both paths', async () => {
    for (const path of ['/version', '/api/v1/version']) {
      const response = await request(url).get(path).expect(200);
      expect(response.body).toEqual({ version: '0.1.0', api: 'v1', commit: 'unknown' });
    }
  });
});
