import 'reflect-metadata';
import type { Server } from 'node:http';
import { Logger } from 'nestjs-pino';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { WebSocketHub } from './websocket/websocket-hub.js';

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
  const logger = app.get(Logger);
  const server: Server = app.getHttpServer();

  // Stop accepting and let in-flight requests finish first; only then close watches, the
  // database pool and WebSockets (Nest's own hooks would close the database before the server).
  const shutdown = async (signal: NodeJS.Signals) => {
    logger.log(`${signal} received: draining requests`);
    // Open WebSockets would hold the drain: tell them the server is going away (1001) first.
    app.get(WebSocketHub).shutdown();
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clearTimeout(force);
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));

  await app.listen(config.port);
  if (config.jwt.generated) {
    logger.warn('JWT_SECRET is not set: using a random secret; tokens will not survive a restart');
  }
  logger.log(`StreamSpace API listening on port ${config.port} (Swagger UI at /api/docs)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
