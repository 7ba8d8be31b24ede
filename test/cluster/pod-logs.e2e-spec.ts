import { appendFileSync } from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { startTestApp } from '../support/test-app.js';

/** kwok serves this CRI-format file as the log of every container (test-cluster.md). */
const appendLogLine = (text: string) =>
  appendFileSync(process.env.STREAMSPACE_TEST_POD_LOG_FILE!, `${new Date().toISOString()} stdout F ${text}\n`);

describe('GET /api/v1/cluster/pods/:namespace/:name/logs (§3.9)', () => {
  let app: NestExpressApplication;
  let url: string;
  let operator: TestAccount;
  const namespace = uniqueName('logs');
  const pod = 'talker';
  const logs = (query = '', target = `${namespace}/${pod}`) =>
    request(url).get(`/api/v1/cluster/pods/${target}/logs${query}`).set('Authorization', operator.bearer);

  beforeAll(async () => {
    ({ app, url } = await startTestApp());
    operator = await createAccount(app, url, { role: 'operator' });
    await kubectl(['create', 'namespace', namespace]);
    const manifest = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod, namespace },
      spec: {
        containers: [
          { name: 'main', image: 'busybox' },
          { name: 'sidecar', image: 'busybox' },
        ],
      },
    };
    await kubectl(['create', '-f', '-'], JSON.stringify(manifest));
    await eventually(
      async () => {
        expect(JSON.parse(await kubectl(['get', 'pod', pod, '-n', namespace, '-o', 'json'])).status.phase).toBe(
          'Running',
        );
      },
      30_000,
      200,
    );
  });
  afterAll(async () => {
    await app?.close();
    await kubectl(['delete', 'namespace', namespace, '--wait=false']);
  });

  it('reads the log as text', async () => {
    const marker = uniqueName('read');
    appendLogLine(marker);
    const response = await eventually(async () => {
      const answer = await logs().expect(200);
      expect(answer.text).toContain(marker);
      return answer;
    });
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');

    const withTimestamps = await logs('?container=sidecar&timestamps=true&tailLines=1').expect(200);
    expect(withTimestamps.text.trim().split('\n')).toHaveLength(1);
    expect(withTimestamps.text).toMatch(/^\d{4}-\d\d-\d\dT\S+ \S/);
  });

  it('answers 404 for an unknown pod, 400 for an unknown container or bad query', async () => {
    await logs('', `${namespace}/nobody`).expect(404, {
      error: 'Pod not found',
      message: `No pod 'nobody' in '${namespace}'`,
    });
    await logs('?container=nope').expect(400, {
      error: 'Invalid container',
      message: `Pod '${pod}' has containers: main, sidecar`,
    });
    for (const query of [
      '?tailLines=0',
      '?tailLines=10001',
      '?follow=maybe',
      '?sinceSeconds=0',
      '?timestamps=1',
      '?limitBytes=0',
      '?limitBytes=10485761',
    ]) {
      expect((await logs(query).expect(400)).body).toMatchObject({ error: 'Invalid request' });
    }
  });

  it('stops a read at limitBytes and says it was cut; a shorter log is sent whole', async () => {
    appendLogLine(uniqueName('long-enough-to-cut'));
    const cut = await eventually(() => logs('?limitBytes=8').expect(200));
    expect(cut.headers['x-log-truncated-at']).toBe('8');
    const [head, notice] = cut.text.split('\n');
    expect(Buffer.byteLength(head)).toBe(8);
    expect(notice).toBe('[log cut at 8 bytes; ask for fewer tailLines or a shorter sinceSeconds]');

    const whole = await logs('?tailLines=1').expect(200);
    expect(whole.headers['x-log-truncated-at']).toBeUndefined();
    expect(whole.text).not.toContain('[log cut');
  });

  it('follows the log as a chunked stream until the client goes away', async () => {
    const address = new URL(url);
    const received: string[] = [];
    const req = http.get({
      host: address.hostname,
      port: address.port,
      path: `/api/v1/cluster/pods/${namespace}/${pod}/logs?follow=true&tailLines=1`,
      headers: { Authorization: operator.bearer },
    });
    const response = await new Promise<http.IncomingMessage>((resolve, reject) =>
      req.once('response', resolve).once('error', reject),
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.headers['transfer-encoding']).toBe('chunked');
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => received.push(chunk));

    const marker = uniqueName('followed');
    appendLogLine(marker);
    await eventually(() => expect(received.join('')).toContain(marker), 15_000, 100);
    const later = uniqueName('later');
    appendLogLine(later);
    await eventually(() => expect(received.join('')).toContain(later), 15_000, 100);

    req.destroy();
    // The server stays healthy after the reader went away.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await logs('?tailLines=1').expect(200);
  });

  it('answers a failed follow with a JSON error before streaming', async () => {
    const response = await logs('?follow=true', `${namespace}/nobody`).expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toEqual({ error: 'Pod not found', message: `No pod 'nobody' in '${namespace}'` });
  });
});
