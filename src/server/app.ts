/**
 * buildServer: the HTTP API as a fastify instance that never listens by itself (the caller
 * listens, or tests use `inject`). One error boundary turns everything thrown into
 * `{ code, message, details }` with the status of src/server/errors.ts, fastify's and Node's own
 * refusals (sizes, URLs, content types, unknown routes and methods) included.
 */
import { createRequire } from 'node:module';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAuth, SECRET_HEADERS } from './auth.js';
import type { ServerDeps } from './deps.js';
import { BODY_LIMIT_BYTES, MAX_PARAM_LENGTH, toErrorResponse } from './errors.js';
import { openApiDocument } from './openapi.js';
import { fastifyPath, type RouteSpec } from './route.js';
import { auditRoutes } from './routes/audit.js';
import { awsCheckRoutes } from './routes/aws-checks.js';
import { configurationRoutes } from './routes/configuration.js';
import { cloudFormationExportRoutes } from './routes/cloudformation-export.js';
import { environmentRoutes } from './routes/environments.js';
import { feedTagRoutes } from './routes/feed-tags.js';
import { healthRoutes } from './routes/health.js';
import { resourceRoutes } from './routes/resources.js';
import { sessionRoutes } from './routes/session.js';
import { passwordRoutes } from './routes/passwords.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { deploymentRoutes } from './routes/deployments.js';
import { interruptionRoutes } from './routes/interruptions.js';
import { releaseHttp } from './routes/release-http.js';
import { releaseRoutes } from './routes/releases.js';
import { releasePlanRoutes } from './routes/release-plan.js';
import { taskLogRoutes } from './routes/task-log.js';
import { userRoutes } from './routes/users.js';
import { variablePreviewRoutes } from './routes/variable-preview.js';
import { clientErrorHandler, frameworkError, methodsByPath, registerTextChecks } from './request-checks.js';
import { endLongPollsOnClose, workerApiRoutes } from './routes/worker-api.js';
import { workerRoutes } from './routes/workers.js';
import { isUiPageRequest, registerWebUi } from './web-ui.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Every route of the API (the permission matrix test walks this list). */
export function apiRoutes(deps: ServerDeps): RouteSpec[] {
  const http = releaseHttp(deps);
  return [
    ...healthRoutes(deps),
    ...sessionRoutes(deps),
    ...environmentRoutes(deps),
    ...auditRoutes(deps),
    ...resourceRoutes(deps),
    ...cloudFormationExportRoutes(deps),
    ...variablePreviewRoutes(deps),
    ...feedTagRoutes(deps),
    ...userRoutes(deps),
    ...passwordRoutes(deps),
    ...releaseRoutes(http),
    ...releasePlanRoutes(deps),
    ...deploymentRoutes(http),
    ...taskLogRoutes(http),
    ...interruptionRoutes(http),
    ...dashboardRoutes(http),
    ...workerRoutes(deps),
    ...awsCheckRoutes(deps),
    ...configurationRoutes(deps),
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
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: deps.trustProxy ?? false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A URL fastify cannot route (bad %-escapes, an overlong path part), in the error shape.
    frameworkErrors: frameworkError,
    // What Node refuses before fastify sees a request (431 headers, 414 URL, 408, malformed HTTP).
    clientErrorHandler,
  });
  // Text checks first: a NUL in the URL must not reach the auth hook's space lookup.
  registerTextChecks(app);
  registerAuth(app, deps.store, deps.now);
  endLongPollsOnClose(app);

  // JSON Merge Patch bodies are JSON: parse them like application/json. Plain text is not JSON
  // (fastify would hand it over as a string): 415.
  app.addContentTypeParser(
    'application/merge-patch+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.removeContentTypeParser('text/plain');

  // A response to a change may carry a secret shown once (a new API key): no cache may keep it.
  app.addHook('onSend', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && !reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
    }
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body, log } = toErrorResponse(error, request.id);
    if (log) request.log.error({ err: error }, 'request failed');
    return reply.status(status).send(body);
  });

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
  const allowed = methodsByPath(routes);
  const uiPage = registerWebUi(app, deps.webRoot);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // A deep link into the web UI: the app's router draws it.
    if (isUiPageRequest(request) && allowed(path).length === 0) return uiPage(reply);
    const methods = allowed(path);
    if (methods.length > 0) {
      return reply
        .status(405)
        .header('allow', methods.join(', '))
        .send({
          code: 'METHOD_NOT_ALLOWED',
          message: `${path} does not take ${request.method}; it takes ${methods.join(', ')} (see /api/openapi.json).`,
          details: { method: request.method, allowed: methods },
        });
    }
    return reply.status(404).send({
      code: 'NOT_FOUND',
      message: `There is no route ${request.method} ${path}; see /api/openapi.json.`,
      details: { method: request.method, url: request.url },
    });
  });
  for (const route of routes) {
    app.route({
      method: route.method,
      url: fastifyPath(route.path),
      config: { auth: route.auth ?? 'admin', ...(route.body ? { body: route.body } : {}) },
      handler: route.handler,
    });
  }
  return app;
}
