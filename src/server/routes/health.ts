/**
 * Liveness and readiness probes, for load balancers and orchestrators. Liveness also says what
 * script steps can use on this node (docs/steps.md, "Tools"): which interpreters and AWS CLI, not
 * their versions or paths (the probe needs no key; the start-up output has the details).
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { ScriptIsolation } from '../../jobs/executors/script-isolation.js';
import type { ServerDeps } from '../deps.js';
import type { RouteSpec } from '../route.js';

/** How long readiness waits for the database before answering 503. */
const READY_TIMEOUT_MS = 2_000;

const health = {
  name: 'Health',
  schema: z.object({ status: z.literal('ok'), time: z.iso.datetime() }),
};

const scriptsSchema = z.object({
  /** false: script steps are refused here (no script user; see the start-up output). */
  enabled: z.boolean(),
  bash: z.boolean(),
  node: z.boolean(),
  python3: z.boolean(),
  /** The AWS CLI's major version (1 or 2); null without one. */
  awsCli: z.number().int().nullable(),
});

const liveness = {
  name: 'Liveness',
  schema: health.schema.extend({
    /** What script steps can use on this node; absent when the node was not told. */
    scripts: scriptsSchema.optional(),
  }),
};

/** What /healthz says of script steps under `isolation`. */
export function scriptsHealth(isolation: ScriptIsolation): z.output<typeof scriptsSchema> | undefined {
  if (isolation.mode === 'refused') {
    return { enabled: false, bash: false, node: false, python3: false, awsCli: null };
  }
  const tools = isolation.tools;
  if (!tools) return undefined;
  return {
    enabled: true,
    bash: tools.bash !== undefined,
    node: tools.node !== undefined,
    python3: tools.python3 !== undefined,
    awsCli: tools.aws?.major ?? null,
  };
}

/** GET /healthz and GET /readyz. */
export function healthRoutes(deps: ServerDeps): RouteSpec[] {
  const now = deps.now ?? (() => new Date());
  const scripts = deps.scripts && scriptsHealth(deps.scripts);
  return [
    {
      method: 'GET',
      path: '/healthz',
      operationId: 'getHealth',
      summary:
        'Liveness: the process is up and serving requests (does not touch the database), and what script ' +
        'steps can use here.',
      tag: 'health',
      auth: 'none',
      responses: { 200: { description: 'Alive.', body: liveness } },
      handler: async () => ({ status: 'ok', time: now().toISOString(), ...(scripts ? { scripts } : {}) }),
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
