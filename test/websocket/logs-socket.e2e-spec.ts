import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { startTestApp } from '../support/test-app.js';
import { openSocket, type RecordingSocket, wsUrl } from '../support/websocket.js';

/** kwok serves this CRI-format file as the log of every container (test-cluster.md). */
const appendLogLine = (text: string) =>
  appendFileSync(process.env.STREAMSPACE_TEST_POD_LOG_FILE!, `${new Date().toISOString()} stdout F ${text}\n`);

describe('/api/v1/ws/logs/:namespace/:pod (§8.5)', () => {
  let app: NestExpressApplication;
  let url: string;
  let operator: TestAccount;
  let user: TestAccount;
  const namespace = uniqueName('wslogs');
  const pod = 'talker';
  const sockets: RecordingSocket[] = [];
  const refusal = (path: string) =>
    openSocket(wsUrl(url, path)).then(
      () => undefined,
      (error: { status: number; body: unknown }) => error,
    );

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false' }));
    [operator, user] = await Promise.all([createAccount(app, url, { role: 'operator' }), createAccount(app, url)]);
    await kubectl(['create', 'namespace', namespace]);
    await kubectl(
      ['create', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: pod, namespace },
        spec: { containers: [{ name: 'main', image: 'busybox' }] },
      }),
    );
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
    for (const socket of sockets) socket.close();
    await app?.close();
    await kubectl(['delete', 'namespace', namespace, '--wait=false']);
  });

  it('streams each new log line as one JSON string frame', async () => {
    const socket = await openSocket(
      wsUrl(url, `/api/v1/ws/logs/${namespace}/${pod}?token=${operator.token}&tailLines=1&timestamps=false`),
    );
    sockets.push(socket);
    const marker = uniqueName('live-line');
    await new Promise((resolve) => setTimeout(resolve, 300));
    appendLogLine(marker);
    await eventually(() => expect(socket.frames).toContain(marker), 10_000);
    for (const text of socket.texts) expect(typeof JSON.parse(text)).toBe('string');
    expect(socket.texts).toContain(JSON.stringify(marker));
  });

  it('refuses users, unknown pods and bad queries before the upgrade', async () => {
    expect(await refusal(`/api/v1/ws/logs/${namespace}/${pod}?token=${user.token}`)).toMatchObject({
      status: 403,
      body: { error: 'Insufficient permissions' },
    });
    expect(await refusal(`/api/v1/ws/logs/${namespace}/nobody?token=${operator.token}`)).toMatchObject({
      status: 404,
      body: { error: 'Pod not found' },
    });
    expect(await refusal(`/api/v1/ws/logs/${namespace}/${pod}?token=${operator.token}&tailLines=0`)).toMatchObject({
      status: 400,
    });
  });

  it('sends "Error: …" and closes with 1011 when the log cannot be opened', async () => {
    const socket = await openSocket(
      wsUrl(url, `/api/v1/ws/logs/${namespace}/${pod}?token=${operator.token}&container=missing`),
    );
    sockets.push(socket);
    const closed = await socket.closed;
    expect(closed.code).toBe(1011);
    expect(socket.frames).toEqual([expect.stringMatching(/^Error: /)]);
  });
});
