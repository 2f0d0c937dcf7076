/** The worker protocol's calls (docs/workers.md), over the CLI's API client. */
import { z } from 'zod';
import {
  leaseAnswerSchema,
  taskStateAnswerSchema,
  type ScriptEvent,
  type ScriptResult,
  type TaskStateAnswer,
  type WorkerRegistration,
  type WorkerTask,
} from '../../core/workers/protocol.js';
import { ApiClient } from '../api-client.js';

const registeredSchema = z.object({
  worker: z.object({ id: z.string(), name: z.string(), pool: z.string() }),
  key: z.string(),
});

/** Registers a worker at `server` with a registration token; answers its id and its own key. */
export async function registerWorker(
  server: string,
  token: string,
  registration: WorkerRegistration,
): Promise<{ id: string; key: string }> {
  const client = new ApiClient({ server, apiKey: token });
  const answer = await client.post('/api/worker/register', registration, registeredSchema);
  return { id: answer.worker.id, key: answer.key };
}

/** A registered worker's calls, with its own key. */
export class WorkerClient {
  readonly #api: ApiClient;

  constructor(
    readonly server: string,
    key: string,
  ) {
    // A long poll lasts up to 30 s: leave room beyond it.
    this.#api = new ApiClient({ server, apiKey: key, timeoutMs: 60_000 });
  }

  /** Waits up to `waitSeconds` for a task of the worker's pool. */
  async lease(
    waitSeconds: number,
    signal?: AbortSignal,
  ): Promise<{ task: WorkerTask | null; disabled: boolean }> {
    return this.#api.post('/api/worker/lease', { waitSeconds }, leaseAnswerSchema, signal ? { signal } : {});
  }

  /** Sends events (an empty list is a heartbeat); answers whether the deployment still wants the script. */
  async events(taskId: string, events: readonly ScriptEvent[]): Promise<TaskStateAnswer['state']> {
    const path = `/api/worker/tasks/${encodeURIComponent(taskId)}/events`;
    return (await this.#api.post(path, { events }, taskStateAnswerSchema)).state;
  }

  /** Ends the task with its last events and result. */
  async complete(taskId: string, events: readonly ScriptEvent[], result: ScriptResult): Promise<void> {
    const path = `/api/worker/tasks/${encodeURIComponent(taskId)}/complete`;
    await this.#api.post(path, { events, result }, z.unknown());
  }
}
