import type { INestApplication } from '@nestjs/common';
import { jest } from '@jest/globals';
import request from 'supertest';
import { Clock } from '../../src/common/clock.js';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import type { TestAccount } from './accounts.js';
import { uniqueName } from './accounts.js';
import { kubectl } from './kubectl.js';

/** A Template in the test namespace, for launching sessions. */
export async function createTemplate(app: INestApplication, name = uniqueName('tpl')): Promise<string> {
  await app
    .get(K8sService)
    .templates.create({ metadata: { name }, spec: { displayName: name, baseImage: 'nginx:1.27' } });
  return name;
}

/** A Template written with kubectl, for servers that run in processes of their own. */
export async function applyTemplate(namespace: string, name = uniqueName('tpl')): Promise<string> {
  await kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'stream.space/v1alpha1',
      kind: 'Template',
      metadata: { name, namespace },
      spec: { displayName: name, baseImage: 'nginx:1.27' },
    }),
  );
  return name;
}

/** Launches a session over HTTP as `account`; answers the Session body. */
export async function launchSession(url: string, account: TestAccount, body: object) {
  const response = await request(url)
    .post('/api/v1/sessions')
    .set('Authorization', account.bearer)
    .send(body)
    .expect(202);
  return response.body as { name: string; state: string };
}

/** Moves the app's injected clock: `advance(ms)` adds to the offset from the real time. */
export function controllableClock(app: INestApplication) {
  let offsetMs = 0;
  jest.spyOn(app.get(Clock), 'now').mockImplementation(() => new Date(Date.now() + offsetMs));
  return {
    advance: (ms: number) => (offsetMs += ms),
    now: () => new Date(Date.now() + offsetMs),
  };
}
