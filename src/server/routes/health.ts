/** Liveness and readiness probes, for load balancers and orchestrators. */
import { sql } from 'kysely';
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import type { RouteSpec } from '../route.js';

/** How long readiness waits for the database before answering 503. */
const READY_TIMEOUT_MS = 2_000;

const health = {
  name: 'Health',
  schema: z.object({ status: z.literal('ok'), time: z.iso.datetime() }),
};

/** GET /healthz and GET /readyz. */
export function healthRoutes(deps: ServerDeps): RouteSpec[] {
  const now = deps.now ?? (() => new Date());
  return [
    {
      method: 'GET',
      path: '/healthz',
      operationId: 'getHealth',
      summary: 'Liveness: the process is up and serving requests (does not touch the database).',
      tag: 'health',
      auth: 'none',
      responses: { 200: { description: 'Alive.', body: health } },
      handler: async () => ({ status: 'ok', time: now().toISOString() }),
    },
    {
      method: 'GET',
      path: '/readyz',
      operationId: 'getReadiness',
      summary: 'Readiness: the database answers a query.',
      tag: 'health',
      auth: 'none',
      responses: {
        200: { description: 'Ready to serve.', body: health },
        503: { description: 'The database does not answer (STORE_UNAVAILABLE).' },
      },
      handler: async (request, reply) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            sql`select 1`.execute(deps.store.db),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error('timed out')), READY_TIMEOUT_MS);
            }),
          ]);
        } catch (e) {
          // The cause (host names, driver text) goes to the log, not to an unauthenticated probe.
          request.log.warn({ err: e }, 'readiness check failed');
          return reply.status(503).send({
            code: 'STORE_UNAVAILABLE',
            message: 'The database does not answer; see the server log for the cause.',
            details: {},
          });
        } finally {
          clearTimeout(timer);
        }
        return { status: 'ok', time: now().toISOString() };
      },
    },
  ];
}
