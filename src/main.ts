import 'reflect-metadata';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/app-config.js';

/** Connections still open this long after SIGTERM/SIGINT are cut so the process can exit. */
const SHUTDOWN_GRACE_MS = 25_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const app = await createApp(config);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => app.getHttpServer().closeAllConnections(), SHUTDOWN_GRACE_MS).unref());
  }
  await app.listen(config.port);
  const logger = app.get(await import('nestjs-pino').then((m) => m.Logger));
  if (config.jwt.generated) {
    logger.warn('JWT_SECRET is not set: using a random secret; tokens will not survive a restart');
  }
  logger.log(`StreamSpace API listening on port ${config.port} (Swagger UI at /api/docs)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
