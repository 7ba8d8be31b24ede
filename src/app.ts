import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { ApiError, routeNotFound } from './common/api-error.js';
import { ApiExceptionFilter, writeApiError } from './common/api-exception.filter.js';
import { answerClientErrorsWithEnvelope } from './common/client-errors.js';
import { JsonBodyPipe } from './common/json-body.js';
import { sameSecret, securityHeaders } from './common/security-headers.js';
import { createValidationPipe, PathNamePipe } from './common/validation.js';
import type { AppConfig } from './config/app-config.js';
import { HealthService } from './health/health.service.js';
import { MetricsService } from './metrics/metrics.service.js';

export const API_PREFIX = 'api/v1';
const DOCS_PATH = 'api/docs';

/** Express `trust proxy`: booleans and hop counts as such, anything else (e.g. `loopback`) as text. */
function trustProxySetting(value: string | undefined): boolean | number | string {
  if (value === undefined) return false;
  if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * Builds the whole HTTP application exactly as production runs it; `main.ts` only listens.
 * Tests call this too, so they exercise the same pipes, filter, prefix and root routes.
 */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  answerClientErrorsWithEnvelope(app.getHttpServer());
  app.set('trust proxy', trustProxySetting(config.trustProxy));
  app.disable('x-powered-by');
  app.use(securityHeaders(`/${DOCS_PATH}`));
  // Every /api/v1 answer is `no-store` (§1.3): hashing each body for an ETag would buy nothing.
  app.set('etag', false);

  // `*` answers any origin, but never with credentials: a wildcard must not let every site act
  // with a browser's stored credentials.
  const anyOrigin = config.corsAllowedOrigins === '*';
  const origins = new Set(anyOrigin ? [] : config.corsAllowedOrigins);
  app.enableCors({
    origin: anyOrigin
      ? '*'
      : (origin, callback) => callback(null, origin !== undefined && origins.has(origin) ? origin : false),
    credentials: !anyOrigin,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-ID', 'X-CSRF-Token'],
    exposedHeaders: ['X-Request-ID', 'Retry-After'],
    optionsSuccessStatus: 204,
  });

  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(new PathNamePipe(), new JsonBodyPipe(), createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  registerRootRoutes(app, config);
  setUpSwagger(app);
  await app.init();
  // Nest answers unknown routes only under the prefix; everything else ends here.
  app.use((req: Request, res: Response) => writeApiError(req, res, routeNotFound(req.method, req.originalUrl)));
  return app;
}

/** /health, /health/live, /version and /metrics live outside the prefix, straight on Express (§3.14). */
function registerRootRoutes(app: NestExpressApplication, config: AppConfig): void {
  const health = app.get(HealthService);
  const http = app.getHttpAdapter().getInstance();
  http.get('/health/live', (_req: Request, res: Response) => res.json({ status: 'alive' }));
  http.get('/health', async (_req: Request, res: Response) => {
    const report = await health.health();
    res.status(report.status === 'healthy' ? 200 : 503).json(report);
  });
  http.get('/version', (_req: Request, res: Response) => res.json(health.version()));
  const metrics = app.get(MetricsService);
  http.get('/metrics', async (req: Request, res: Response) => {
    if (config.metricsToken !== undefined && !sameSecret(req.get('authorization'), `Bearer ${config.metricsToken}`)) {
      writeApiError(
        req,
        res,
        new ApiError(401, 'Authorization header required', 'Send Authorization: Bearer <METRICS_TOKEN>'),
      );
      return;
    }
    res.type('text/plain; version=0.0.4; charset=utf-8').send(await metrics.registry.metrics());
  });
}

/**
 * Swagger UI lists tags in this order: as a user meets them (log in, launch, browse), then what
 * admins and operators use. Every `@ApiTags` name must be here (a test checks it).
 */
export const API_TAGS: ReadonlyArray<readonly [name: string, description: string]> = [
  ['auth', 'Log in, tokens, first-time setup'],
  ['sessions', 'Launch, connect to, hibernate and share sessions'],
  ['templates', 'What can be launched'],
  ['catalog', 'Applications available to install'],
  ['applications', 'Installed applications and who may use them'],
  ['sharing', 'Sessions shared with you and by you'],
  ['preferences', 'Favourite templates'],
  ['users', 'Your account; user administration'],
  ['dashboard', 'Figures for you and for admins'],
  ['groups', 'Groups and their members'],
  ['config', 'Platform settings'],
  ['audit', 'Who changed what, for admins'],
  ['nodes', 'Cluster nodes: labels, taints, cordon, drain'],
  ['cluster', 'Kubernetes resources and pod logs'],
  ['metrics', 'Platform figures'],
  ['health', 'Liveness, readiness and version'],
];

/** The document is built on the first request for it: scanning every route costs start-up time. */
function setUpSwagger(app: NestExpressApplication): void {
  const document = () => {
    const builder = new DocumentBuilder()
      .setTitle('StreamSpace API')
      .setDescription('Streamed desktop and browser sessions on Kubernetes. Wire contract v1.')
      .setVersion(app.get(HealthService).version().version)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    for (const [name, description] of API_TAGS) builder.addTag(name, description);
    return SwaggerModule.createDocument(app, builder.build());
  };
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: 'api/docs-json', useGlobalPrefix: false });
}
