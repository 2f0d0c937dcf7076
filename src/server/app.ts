/**
 * buildServer: the HTTP API as a fastify instance that never listens by itself (the caller
 * listens, or tests use `inject`). One error boundary turns everything thrown into
 * `{ code, message, details }` with the status of src/server/errors.ts.
 */
import { createRequire } from 'node:module';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAuth, SECRET_HEADERS } from './auth.js';
import type { ServerDeps } from './deps.js';
import { toErrorResponse } from './errors.js';
import { openApiDocument } from './openapi.js';
import { fastifyPath, type RouteSpec } from './route.js';
import { auditRoutes } from './routes/audit.js';
import { environmentRoutes } from './routes/environments.js';
import { feedTagRoutes } from './routes/feed-tags.js';
import { healthRoutes } from './routes/health.js';
import { resourceRoutes } from './routes/resources.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { deploymentRoutes } from './routes/deployments.js';
import { interruptionRoutes } from './routes/interruptions.js';
import { releaseHttp } from './routes/release-http.js';
import { releaseRoutes } from './routes/releases.js';
import { taskLogRoutes } from './routes/task-log.js';
import { userRoutes } from './routes/users.js';
import { endLongPollsOnClose, workerApiRoutes } from './routes/worker-api.js';
import { workerRoutes } from './routes/workers.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Every route of the API (the permission matrix test walks this list). */
export function apiRoutes(deps: ServerDeps): RouteSpec[] {
  const http = releaseHttp(deps);
  return [
    ...healthRoutes(deps),
    ...environmentRoutes(deps),
    ...auditRoutes(deps),
    ...resourceRoutes(deps),
    ...feedTagRoutes(deps),
    ...userRoutes(deps),
    ...releaseRoutes(http),
    ...deploymentRoutes(http),
    ...taskLogRoutes(http),
    ...interruptionRoutes(http),
    ...dashboardRoutes(http),
    ...workerRoutes(deps),
    ...workerApiRoutes(deps),
  ];
}

/** The API over `deps.store`; call `listen` on the result, or `inject` in tests. */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    logger: deps.logger
      ? {
          ...(deps.logStream ? { stream: deps.logStream } : {}),
          // Defence in depth: fastify's request serializer omits headers, but anything that logs a
          // request's or its headers must not write an API key.
          redact: {
            paths: SECRET_HEADERS.flatMap((h) => [`req.headers["${h}"]`, `headers["${h}"]`]),
            censor: '[redacted]',
          },
        }
      : false,
  });
  registerAuth(app, deps.store);
  endLongPollsOnClose(app);

  // JSON Merge Patch bodies are JSON: parse them like application/json.
  app.addContentTypeParser(
    'application/merge-patch+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorResponse(error, request.id);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      code: 'NOT_FOUND',
      message: `There is no route ${request.method} ${request.url.split('?')[0] ?? ''}; see /api/openapi.json.`,
      details: { method: request.method, url: request.url },
    }),
  );

  const routes: RouteSpec[] = apiRoutes(deps);
  // The document lists itself too; its handler reads `document`, built below from the full list.
  routes.push({
    method: 'GET',
    path: '/api/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This document (OpenAPI 3.1).',
    tag: 'meta',
    auth: 'none',
    responses: { 200: { description: 'The OpenAPI document.' } },
    handler: async () => document,
  });
  const document = openApiDocument(routes, version);
  for (const route of routes) {
    app.route({
      method: route.method,
      url: fastifyPath(route.path),
      config: { auth: route.auth ?? 'admin' },
      handler: route.handler,
    });
  }
  return app;
}
