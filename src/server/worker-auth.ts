/**
 * The two kinds of credential the worker routes take (docs/workers.md): a registration token
 * (`slwr_...`) on `POST /api/worker/register`, and a worker's own key (`slwk_...`) on the other
 * worker routes. Neither is an API key: user routes refuse them (their format is not an API key's),
 * and the worker routes refuse API keys, so a worker can act only as a worker and a user never as
 * one. Called by the auth hook (auth.ts) for routes whose `auth` is `worker` or `worker-registration`.
 */
import type { FastifyRequest } from 'fastify';
import { SlipwayError } from '../core/errors.js';
import type { Store } from '../store/database.js';
import {
  REGISTRATION_TOKEN_REJECTED_MESSAGE,
  WORKER_KEY_REJECTED_MESSAGE,
  workersRepository,
  type RegistrationTokenInfo,
  type WorkerInfo,
} from '../store/workers.js';

// Keyed by the request, like actor.ts: lives as long as the request, set only here.
const workers = new WeakMap<FastifyRequest, WorkerInfo>();
const tokens = new WeakMap<FastifyRequest, RegistrationTokenInfo>();

/** Why a credential was refused: the message for the client, the reason for the server's log. */
export interface WorkerAuthRefusal {
  message: string;
  reason: string;
}

/** Checks `key` for a worker route of `kind`; answers a refusal, or records who the caller is. */
export function workerAuthenticator(store: Store) {
  const repo = workersRepository(store.db);
  return async (
    request: FastifyRequest,
    kind: 'worker' | 'worker-registration',
    key: string,
  ): Promise<WorkerAuthRefusal | undefined> => {
    if (kind === 'worker') {
      const check = await repo.checkWorkerKey(key);
      if (!check.ok) return { message: WORKER_KEY_REJECTED_MESSAGE, reason: check.reason };
      workers.set(request, check.worker);
      return undefined;
    }
    const check = await repo.checkToken(key);
    if (!check.ok) return { message: REGISTRATION_TOKEN_REJECTED_MESSAGE, reason: check.reason };
    tokens.set(request, check.token);
    return undefined;
  };
}

/** The worker behind a worker route's request. */
export function authenticatedWorker(request: FastifyRequest): WorkerInfo {
  const worker = workers.get(request);
  if (!worker) throw new SlipwayError('INTERNAL', `A worker route ran without a worker key: ${request.url}.`);
  return worker;
}

/** The registration token behind `POST /api/worker/register`. */
export function registrationToken(request: FastifyRequest): RegistrationTokenInfo {
  const token = tokens.get(request);
  if (!token)
    throw new SlipwayError('INTERNAL', `A registration ran without a registration token: ${request.url}.`);
  return token;
}
