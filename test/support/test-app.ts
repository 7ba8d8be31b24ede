import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';

/** Config as the server would parse it from the test run's environment, plus overrides. */
export function testConfig(overrides: NodeJS.ProcessEnv = {}): AppConfig {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    // Suites fail logins on purpose from one address; the throttling suite sets its own limits.
    LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS: '100000',
    LOGIN_FAILURES_PER_ADDRESS: '100000',
    LOGIN_FAILURES_PER_USERNAME: '100000',
    ...overrides,
  });
}

/** The real application, listening on a free loopback port. */
export async function startTestApp(
  overrides: NodeJS.ProcessEnv = {},
): Promise<{ app: NestExpressApplication; url: string; config: AppConfig }> {
  const config = testConfig(overrides);
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, config };
}
