/**
 * The routes `slipway worker` calls (docs/workers.md): register with a registration token, then,
 * with the worker's own key, lease a script task of its pool (a long poll), send what the script
 * does as batches of events (also the heartbeat; the answer says when the deployment was
 * canceled), and complete it. A worker reaches only the tasks of its own pool, and only the one
 * task it holds; nothing else on the server accepts its key.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../../core/model/parse.js';
import {
  leaseAnswerSchema,
  leaseRequestSchema,
  taskCompleteSchema,
  taskEventsSchema,
  taskStateAnswerSchema,
  workerRegistrationSchema,
} from '../../core/workers/protocol.js';
import { scriptTasksRepository } from '../../store/script-tasks.js';
import { workersRepository } from '../../store/workers.js';
import type { ServerDeps } from '../deps.js';
import { param, type NamedSchema, type RouteSpec } from '../route.js';
import { authenticatedWorker, registrationToken } from '../worker-auth.js';
import { workerJson, workerSchema } from './workers.js';

/** How often a long poll looks for a task. */
const LEASE_POLL_MS = 500;
/** How often a long poll records that its worker is still there. */
const TOUCH_MS = 5_000;

// Long polls end when their server closes, so closing does not wait for them.
const closing = new WeakMap<FastifyInstance, AbortController>();

/** Makes `app`'s long polls (lease requests) end as soon as it starts closing. */
export function endLongPollsOnClose(app: FastifyInstance): void {
  const controller = new AbortController();
  closing.set(app, controller);
  app.addHook('preClose', (done) => {
    controller.abort();
    done();
  });
}

function closingSignal(request: FastifyRequest): AbortSignal | undefined {
  return closing.get(request.server)?.signal;
}

/** Whether the caller went away (its connection closed). */
function gone(request: FastifyRequest): boolean {
  return request.raw.socket?.destroyed === true;
}

const REGISTERED: NamedSchema = {
  name: 'WorkerRegistered',
  schema: z.object({
    worker: workerSchema,
    key: z.string().meta({ description: "The worker's own key: shown only in this response, never again." }),
  }),
};
const TASK_PARAM = { id: 'The script task id (`ScriptTasks-...`).' };

/** The routes workers call. */
export function workerApiRoutes(deps: ServerDeps): RouteSpec[] {
  const workers = workersRepository(deps.store.db);
  const tasks = scriptTasksRepository(deps.store.db, deps.secrets);
  return [
    {
      method: 'POST',
      path: '/api/worker/register',
      operationId: 'registerWorker',
      summary:
        'Registers a worker in a pool with a registration token (sent as the bearer key); answers its own key, once.',
      tag: 'worker protocol',
      body: { name: 'WorkerRegistration', schema: workerRegistrationSchema },
      auth: 'worker-registration',
      responses: {
        201: {
          description: 'Registered; the worker stores `key` and uses it from now on.',
          body: REGISTERED,
        },
        400: { description: 'Invalid input (each bad field named).' },
        403: { description: 'The token is for another pool.' },
        409: { description: 'A worker of that name is registered already (ALREADY_EXISTS).' },
      },
      handler: async (request, reply) => {
        const token = registrationToken(request);
        const input = parseInput(workerRegistrationSchema, request.body, 'worker registration');
        const { worker, key } = await workers.register(token, input, {
          actor: `worker registration token "${token.name}"`,
          sourceIp: request.ip,
        });
        return reply
          .status(201)
          .header('cache-control', 'no-store')
          .send({ worker: workerJson(worker), key });
      },
    },
    {
      method: 'POST',
      path: '/api/worker/lease',
      operationId: 'leaseScriptTask',
      summary:
        "Waits up to waitSeconds (default 20, at most 30) for a script task of the worker's pool and leases it.",
      tag: 'worker protocol',
      body: { name: 'LeaseRequest', schema: leaseRequestSchema },
      auth: 'worker',
      responses: {
        200: {
          description: 'A task (the worker now holds it), or `task: null` when none came.',
          body: { name: 'LeaseAnswer', schema: leaseAnswerSchema },
        },
        400: { description: 'Invalid input.' },
      },
      handler: async (request, reply) => {
        const worker = authenticatedWorker(request);
        const { waitSeconds } = parseInput(leaseRequestSchema, request.body ?? {}, 'lease request');
        const deadline = Date.now() + waitSeconds * 1000;
        const signal = closingSignal(request);
        let touched = Date.now();
        for (;;) {
          const task = worker.disabledAt === null ? await tasks.lease(worker) : undefined;
          if (task) {
            // The worker hung up meanwhile (it is stopping): the task goes back for another worker.
            if (!gone(request) || !(await tasks.release(task.id, worker.id))) {
              return reply.header('cache-control', 'no-store').send({ task, disabled: false });
            }
          }
          const left = deadline - Date.now();
          if (left <= 0 || signal?.aborted || gone(request)) {
            return { task: null, disabled: worker.disabledAt !== null };
          }
          await delay(Math.min(LEASE_POLL_MS, left), undefined, signal ? { signal } : {}).catch(() => {});
          if (Date.now() - touched >= TOUCH_MS) {
            touched = Date.now();
            await workers.touch(worker.id);
          }
        }
      },
    },
    {
      method: 'POST',
      path: '/api/worker/tasks/{id}/events',
      operationId: 'sendScriptTaskEvents',
      summary:
        'Sends what the script did since the last call (an empty list is a heartbeat); `canceled` tells the worker to stop it.',
      tag: 'worker protocol',
      params: TASK_PARAM,
      body: { name: 'ScriptTaskEvents', schema: taskEventsSchema },
      auth: 'worker',
      responses: {
        200: { description: 'Stored.', body: { name: 'ScriptTaskState', schema: taskStateAnswerSchema } },
        400: { description: 'Invalid input.' },
        404: { description: 'The worker holds no such task.' },
        409: {
          description:
            'The task is no longer this worker’s (WORKER_TASK_LOST: it timed out or the worker was removed): stop it.',
        },
      },
      handler: async (request) => {
        const worker = authenticatedWorker(request);
        const { events } = parseInput(taskEventsSchema, request.body, 'task events');
        return { state: await tasks.appendEvents(param(request, 'id'), worker.id, events) };
      },
    },
    {
      method: 'POST',
      path: '/api/worker/tasks/{id}/complete',
      operationId: 'completeScriptTask',
      summary: "Ends a task with the script's last events and its result. Sending it again is harmless.",
      tag: 'worker protocol',
      params: TASK_PARAM,
      body: { name: 'ScriptTaskCompletion', schema: taskCompleteSchema },
      auth: 'worker',
      responses: {
        204: { description: 'Stored.' },
        400: { description: 'Invalid input.' },
        404: { description: 'The worker holds no such task.' },
        409: { description: 'The task is no longer this worker’s (WORKER_TASK_LOST).' },
      },
      handler: async (request, reply) => {
        const worker = authenticatedWorker(request);
        const { events, result } = parseInput(taskCompleteSchema, request.body, 'task completion');
        await tasks.complete(param(request, 'id'), worker.id, events, result);
        return reply.status(204).send();
      },
    },
  ];
}
