/**
 * Managing workers (administrators only; docs/workers.md): registration tokens (created, listed,
 * revoked) and the workers that registered (listed with their pool, version and when last seen;
 * disabled, enabled, removed). The routes workers themselves call are in worker-api.ts.
 */
import { z } from 'zod';
import { nameSchema, parseInput, unknownFields } from '../../core/model/parse.js';
import { poolNameSchema } from '../../core/workers/protocol.js';
import { scriptTasksRepository } from '../../store/script-tasks.js';
import {
  DEFAULT_TOKEN_HOURS,
  workersRepository,
  type RegistrationTokenInfo,
  type WorkerInfo,
} from '../../store/workers.js';
import { resolveActor } from '../actor.js';
import type { ServerDeps } from '../deps.js';
import { param, type NamedSchema, type RouteSpec } from '../route.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A worker as the API shows it (never its key). */
export const workerSchema = z.object({
  id: z.string(),
  name: z.string(),
  pool: z.string(),
  version: z.string().meta({ description: 'The Slipway version the worker runs.' }),
  hostname: z.string().nullable(),
  registeredAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  online: z.boolean().meta({ description: 'Seen within the last 30 seconds.' }),
  disabledAt: z.iso
    .datetime()
    .nullable()
    .meta({ description: 'Set while disabled: the worker takes no new script task.' }),
});

const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  pool: z
    .string()
    .nullable()
    .meta({ description: 'The only pool workers registering with it may join; null = any.' }),
  prefix: z.string().meta({ description: 'The public part of the token (`slwr_<prefix>_...`).' }),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
});

/** A worker's JSON. */
export function workerJson(w: WorkerInfo): z.output<typeof workerSchema> {
  return {
    id: w.id,
    name: w.name,
    pool: w.pool,
    version: w.version,
    hostname: w.hostname,
    registeredAt: w.registeredAt.toISOString(),
    lastSeenAt: w.lastSeenAt.toISOString(),
    online: w.online,
    disabledAt: iso(w.disabledAt),
  };
}

function tokenJson(t: RegistrationTokenInfo): z.output<typeof tokenSchema> {
  return {
    id: t.id,
    name: t.name,
    pool: t.pool,
    prefix: t.prefix,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt.toISOString(),
    revokedAt: iso(t.revokedAt),
  };
}

const tokenCreateSchema = z.strictObject(
  {
    name: nameSchema('name'),
    pool: poolNameSchema('pool').optional(),
    expiresAt: z.iso
      .datetime({ offset: true, error: 'expiresAt must be a date and time like 2030-01-31T12:00:00Z' })
      .optional(),
  },
  { error: unknownFields('worker registration token') },
);
const workerQuerySchema = z.strictObject(
  { pool: poolNameSchema('pool').optional() },
  { error: unknownFields('worker list query') },
);

const WORKER: NamedSchema = { name: 'Worker', schema: workerSchema };
const WORKER_LIST: NamedSchema = { name: 'WorkerList', schema: z.object({ items: z.array(workerSchema) }) };
const TOKEN_LIST: NamedSchema = {
  name: 'WorkerRegistrationTokenList',
  schema: z.object({ items: z.array(tokenSchema) }),
};
const TOKEN_CREATE: NamedSchema = { name: 'WorkerRegistrationTokenCreate', schema: tokenCreateSchema };
const TOKEN_CREATED: NamedSchema = {
  name: 'WorkerRegistrationTokenCreated',
  schema: tokenSchema.extend({
    token: z.string().meta({ description: 'The token itself: shown only in this response, never again.' }),
  }),
};
const WORKER_PARAM = { id: 'The worker id (`Workers-...`).' };

/** The administrators' routes for workers and registration tokens. */
export function workerRoutes(deps: ServerDeps): RouteSpec[] {
  const workers = workersRepository(deps.store.db);
  const tasks = scriptTasksRepository(deps.store.db, deps.secrets);
  return [
    {
      method: 'POST',
      path: '/api/worker-tokens',
      operationId: 'createWorkerToken',
      summary: `Creates a worker registration token (expires in ${DEFAULT_TOKEN_HOURS} hours unless expiresAt says otherwise; optionally for one pool). Shown once.`,
      tag: 'workers',
      body: TOKEN_CREATE,
      auth: 'admin',
      responses: {
        201: { description: 'Created; store `token` now, it is never shown again.', body: TOKEN_CREATED },
        400: { description: 'Invalid input (each bad field named), or an expiry in the past.' },
      },
      handler: async (request, reply) => {
        const input = parseInput(tokenCreateSchema, request.body, 'worker registration token');
        const { info, token } = await workers.createToken(
          {
            name: input.name,
            ...(input.pool === undefined ? {} : { pool: input.pool }),
            ...(input.expiresAt === undefined ? {} : { expiresAt: new Date(input.expiresAt) }),
          },
          resolveActor(request),
        );
        return reply
          .status(201)
          .header('cache-control', 'no-store')
          .send({ ...tokenJson(info), token });
      },
    },
    {
      method: 'GET',
      path: '/api/worker-tokens',
      operationId: 'listWorkerTokens',
      summary: 'Every worker registration token, newest first (never the tokens themselves).',
      tag: 'workers',
      auth: 'admin',
      responses: { 200: { description: 'The tokens.', body: TOKEN_LIST } },
      handler: async () => ({ items: (await workers.listTokens()).map(tokenJson) }),
    },
    {
      method: 'DELETE',
      path: '/api/worker-tokens/{id}',
      operationId: 'revokeWorkerToken',
      summary: 'Revokes a registration token at once (workers it registered keep working). Idempotent.',
      tag: 'workers',
      params: { id: 'The token id (`WorkerTokens-...`).' },
      auth: 'admin',
      responses: { 204: { description: 'Revoked.' }, 404: { description: 'No such token.' } },
      handler: async (request, reply) => {
        await workers.revokeToken(param(request, 'id'), resolveActor(request));
        return reply.status(204).send();
      },
    },
    {
      method: 'GET',
      path: '/api/workers',
      operationId: 'listWorkers',
      summary: 'Every registered worker (of one pool with ?pool=), by pool and name.',
      tag: 'workers',
      query: workerQuerySchema,
      auth: 'admin',
      responses: {
        200: { description: 'The workers.', body: WORKER_LIST },
        400: { description: 'A bad query parameter (named in the message).' },
      },
      handler: async (request) => {
        const q = parseInput(workerQuerySchema, request.query, 'worker list query');
        return { items: (await workers.list(q.pool === undefined ? {} : { pool: q.pool })).map(workerJson) };
      },
    },
    {
      method: 'GET',
      path: '/api/workers/{id}',
      operationId: 'getWorker',
      summary: 'One worker.',
      tag: 'workers',
      params: WORKER_PARAM,
      auth: 'admin',
      responses: {
        200: { description: 'The worker.', body: WORKER },
        404: { description: 'No such worker.' },
      },
      handler: async (request) => workerJson(await workers.getWorker(param(request, 'id'))),
    },
    {
      method: 'POST',
      path: '/api/workers/{id}/disable',
      operationId: 'disableWorker',
      summary: 'Disables a worker: it takes no new script task (the one it runs finishes). Idempotent.',
      tag: 'workers',
      params: WORKER_PARAM,
      auth: 'admin',
      responses: {
        200: { description: 'The worker.', body: WORKER },
        404: { description: 'No such worker.' },
      },
      handler: async (request) =>
        workerJson(await workers.setDisabled(param(request, 'id'), true, resolveActor(request))),
    },
    {
      method: 'POST',
      path: '/api/workers/{id}/enable',
      operationId: 'enableWorker',
      summary: 'Enables a disabled worker again. Idempotent.',
      tag: 'workers',
      params: WORKER_PARAM,
      auth: 'admin',
      responses: {
        200: { description: 'The worker.', body: WORKER },
        404: { description: 'No such worker.' },
      },
      handler: async (request) =>
        workerJson(await workers.setDisabled(param(request, 'id'), false, resolveActor(request))),
    },
    {
      method: 'DELETE',
      path: '/api/workers/{id}',
      operationId: 'removeWorker',
      summary:
        'Removes a worker: its key stops working at once, and a script it is running fails its step. ' +
        'To add it again, register it with a new token.',
      tag: 'workers',
      params: WORKER_PARAM,
      auth: 'admin',
      responses: { 204: { description: 'Removed.' }, 404: { description: 'No such worker.' } },
      handler: async (request, reply) => {
        const removed = await workers.remove(param(request, 'id'), resolveActor(request));
        await tasks.failWorkerTasks(
          removed.id,
          `The worker "${removed.name}" was removed by an administrator while it ran the script; the script ` +
            'may have run in part. Retry the step.',
        );
        return reply.status(204).send();
      },
    },
  ];
}
