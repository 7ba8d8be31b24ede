import { describe, expect, it } from '@jest/globals';
import {
  KubernetesConflictError,
  type KubernetesOperation,
  KubernetesNotFoundError,
  toKubernetesError,
  unlessNotFound,
} from './kubernetes-errors.js';

const get: KubernetesOperation = {
  verb: 'get',
  resource: 'sessions',
  kind: 'Session',
  namespace: 'streamspace',
  name: 'alice-firefox-1',
};
const list: KubernetesOperation = { verb: 'list', resource: 'sessions', kind: 'Session', namespace: 'streamspace' };
const answer = (code: number, status: object) => ({ code, body: JSON.stringify(status), headers: {} });

describe('toKubernetesError (api-contract §1.7)', () => {
  it.each([
    [
      answer(404, { reason: 'NotFound', message: 'sessions "x" not found' }),
      get,
      404,
      'Session not found',
      "No session named 'alice-firefox-1'",
    ],
    [
      answer(409, { reason: 'AlreadyExists', message: 'exists' }),
      { ...get, verb: 'create' as const },
      409,
      'Session already exists',
      "A session named 'alice-firefox-1' already exists",
    ],
    [
      answer(409, { reason: 'Conflict', message: 'the object has been modified' }),
      get,
      409,
      'Conflict',
      'The object changed while it was being updated; try again',
    ],
    [
      answer(422, { reason: 'Invalid', message: 'spec.state: Unsupported value: "x"' }),
      get,
      400,
      'Invalid resource',
      'spec.state: Unsupported value: "x"',
    ],
    [answer(400, { reason: 'BadRequest', message: 'bad' }), get, 400, 'Invalid resource', 'bad'],
    [
      answer(403, { reason: 'Forbidden', message: 'forbidden' }),
      list,
      500,
      'Kubernetes permission denied',
      "The server may not list sessions in namespace 'streamspace'",
    ],
    [
      answer(401, { reason: 'Unauthorized' }),
      list,
      500,
      'Kubernetes permission denied',
      "The server may not list sessions in namespace 'streamspace'",
    ],
    [answer(503, { message: 'etcd down' }), get, 503, 'Kubernetes unavailable', 'etcd down'],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }),
      get,
      503,
      'Kubernetes unavailable',
      'connect ECONNREFUSED 127.0.0.1:6443',
    ],
  ])('maps %j', (error, operation, status, label, message) => {
    expect(toKubernetesError(error, operation)).toMatchObject({ status, error: label, message });
  });

  it('treats a 404 on a collection as a missing API (CRD not installed), not a missing object', () => {
    const mapped = toKubernetesError(
      answer(404, { reason: 'NotFound', message: 'the server could not find the requested resource' }),
      list,
    );
    expect(mapped).toMatchObject({ status: 503, error: 'Kubernetes unavailable' });
    expect(mapped.message).toContain('sessions API is not served');
  });

  it('maps a timeout to 503', () => {
    const timeout = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    expect(toKubernetesError(timeout, get)).toMatchObject({
      status: 503,
      message: 'Kubernetes did not answer get sessions in time',
    });
  });
});

describe('unlessNotFound', () => {
  const missing = new KubernetesNotFoundError({ verb: 'get', resource: 'deployments', kind: 'Deployment', name: 'x' });

  it('answers the result, or undefined when the object does not exist', async () => {
    expect(await unlessNotFound(Promise.resolve('found'))).toBe('found');
    expect(await unlessNotFound(Promise.reject(missing))).toBeUndefined();
  });

  it('passes every other failure on', async () => {
    await expect(unlessNotFound(Promise.reject(new KubernetesConflictError()))).rejects.toBeInstanceOf(
      KubernetesConflictError,
    );
  });
});
