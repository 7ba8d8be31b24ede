import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually.js';
import { freePorts } from '../control-plane/control-plane.js';
import { type ServerProcess, spawnServer } from '../support/server-process.js';

describe('the server process', () => {
  let server: ServerProcess | undefined;
  afterEach(() => {
    if (server?.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('refuses to start on a bad variable and names it', async () => {
    server = spawnServer({ API_PORT: 'eighty', NAMESPACE: 'Bad_NS' });
    expect(await server.exited).toEqual({ code: 1, signal: null });
    expect(server.stderr()).toContain('API_PORT must be a whole number between 1 and 65535, got "eighty"');
    expect(server.stderr()).toContain('NAMESPACE must be a namespace name');
  }, 60_000);

  it('logs JSON lines with the request id, never the token, and drains in-flight requests on SIGTERM', async () => {
    const [port] = await freePorts(1);
    server = spawnServer({
      API_PORT: String(port),
      DATABASE_URL: process.env.DATABASE_URL,
      KUBECONFIG: process.env.KUBECONFIG,
      LOG_LEVEL: 'info',
    });
    await eventually(
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/health/live`);
        expect(response.status).toBe(200);
      },
      60_000,
      250,
    );

    // A request whose body is still arriving when the signal comes.
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/v1/slow-upload',
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': 15,
            Authorization: 'Bearer super-secret-token-value',
            'X-Request-ID': 'drain-test-1',
          },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write('{"partial":');
      setTimeout(() => {
        server!.child.kill('SIGTERM');
        setTimeout(() => req.end('"x"}'), 500);
      }, 300);
    });

    const { status, body } = await answer;
    expect(status).toBe(404);
    expect(JSON.parse(body)).toEqual({ error: 'Not found', message: 'No route for POST /api/v1/slow-upload' });
    const exit = await server.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);

    const lines = server
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const completed = lines.find((line) => line.requestId === 'drain-test-1' && line.msg === 'request completed');
    expect(completed).toMatchObject({ res: { statusCode: 404 }, req: { method: 'POST', url: '/api/v1/slow-upload' } });
    expect(server.stdout()).not.toContain('super-secret-token-value');
  }, 90_000);
});
