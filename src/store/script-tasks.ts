/**
 * Script tasks: a "Run a script" step that names a worker pool stores one here and waits; a worker
 * of the pool leases it, sends back what the script did as batches of events, and completes it
 * (docs/workers.md). The payload (script, variables, AWS credentials) and the events (which may
 * hold sensitive outputs) are encrypted with the master key; the payload is wiped when the task
 * ends. All times are the database's, so nodes and workers need not agree on the clock.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import {
  scriptEventSchema,
  scriptTaskPayloadSchema,
  type ScriptEvent,
  type ScriptResult,
  type ScriptTaskPayload,
  type WorkerTask,
} from '../core/workers/protocol.js';
import { inTransaction } from './audit.js';
import { secretContext, type SecretBox } from './secrets.js';
import type { Database } from './types.js';

/** Where a task is. */
export type ScriptTaskState = 'queued' | 'leased' | 'succeeded' | 'failed' | 'canceled';

/** A task as its step sees it while waiting. */
export interface ScriptTaskStatus {
  id: string;
  deploymentId: string;
  pool: string;
  state: ScriptTaskState;
  workerId: string | null;
  workerName: string | null;
  /** Why it failed or was canceled. */
  error: string | null;
  /** The last events batch stored, and the last one the step applied. */
  eventsSeq: number;
  appliedSeq: number;
  /** Milliseconds since the worker's last heartbeat (leased tasks), by the database's clock. */
  silentMs: number | null;
}

/** One batch of events, in the order the worker sent them. */
export interface EventBatch {
  seq: number;
  events: ScriptEvent[];
}

/** What the step stores when it hands its script to a pool. */
export interface NewScriptTask {
  deploymentId: string;
  step: string;
  target?: string;
  pool: string;
  payload: ScriptTaskPayload;
  /** A leased task whose worker is silent this long fails (the worker heartbeats at a sixth of it). */
  leaseTimeoutMs: number;
}

const FINAL: readonly ScriptTaskState[] = ['succeeded', 'failed', 'canceled'];

const payloadContext = (id: string) => secretContext('script-task', id, 'payload');
const eventsContext = (id: string, seq: number) =>
  secretContext('script-task-event', `${id}:${seq}`, 'events');

function lost(id: string, state: string, error: string | null): SlipwayError {
  return new SlipwayError(
    'WORKER_TASK_LOST',
    `The script task ${id} is no longer this worker's (it is ${state}${error ? `: ${error}` : ''}); stop its script.`,
    { data: { entity: 'script-task', id, state } },
  );
}

function notFound(id: string): SlipwayError {
  return new SlipwayError('NOT_FOUND', `There is no script task "${id}".`, {
    data: { entity: 'script-task', id },
  });
}

/** Script tasks over `db`, encrypting with `secrets`. */
export function scriptTasksRepository(db: Kysely<Database>, secrets: SecretBox) {
  const decryptEvents = (id: string, seq: number, text: string): ScriptEvent[] =>
    scriptEventSchema.array().parse(JSON.parse(secrets.decrypt(text, eventsContext(id, seq))));

  // The events row and the task's counter in one transaction; answers the new seq.
  async function storeEvents(trx: Kysely<Database>, id: string, seq: number, events: readonly ScriptEvent[]) {
    await trx
      .insertInto('script_task_events')
      .values({
        id: `${id}:${seq}`,
        task_id: id,
        seq,
        events: secrets.encrypt(JSON.stringify(events), eventsContext(id, seq)),
      })
      .execute();
  }

  // Takes the heartbeat of a task `workerId` holds; answers its deployment's state and the new seq.
  async function heartbeat(
    trx: Kysely<Database>,
    id: string,
    workerId: string,
    withEvents: boolean,
  ): Promise<{ seq: number; deploymentState: string }> {
    const row = await trx
      .updateTable('script_tasks')
      .set({
        heartbeat_at: sql<Date>`now()`,
        ...(withEvents ? { events_seq: sql<number>`events_seq + 1` } : {}),
      })
      .where('id', '=', id)
      .where('worker_id', '=', workerId)
      .where('state', '=', 'leased')
      .returning(['events_seq', 'deployment_id'])
      .executeTakeFirst();
    if (!row) {
      const now = await trx
        .selectFrom('script_tasks')
        .select(['state', 'error', 'worker_id'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!now || now.worker_id !== workerId) throw notFound(id);
      throw lost(id, now.state, now.error);
    }
    const deployment = await trx
      .selectFrom('deployments')
      .select('state')
      .where('id', '=', row.deployment_id)
      .executeTakeFirst();
    return { seq: Number(row.events_seq), deploymentState: deployment?.state ?? 'canceled' };
  }

  return {
    /** Stores a queued task; answers its id. */
    async create(task: NewScriptTask): Promise<string> {
      const id = `ScriptTasks-${randomUUID()}`;
      await db
        .insertInto('script_tasks')
        .values({
          id,
          deployment_id: task.deploymentId,
          step: task.step,
          target: task.target ?? null,
          pool: task.pool,
          lease_timeout_ms: Math.round(task.leaseTimeoutMs),
          payload: secrets.encrypt(JSON.stringify(task.payload), payloadContext(id)),
        })
        .execute();
      return id;
    },

    /** Where the task is; undefined when there is none (swept, or its deployment deleted). */
    async status(id: string): Promise<ScriptTaskStatus | undefined> {
      const row = await db
        .selectFrom('script_tasks')
        .select([
          'id',
          'deployment_id',
          'pool',
          'state',
          'worker_id',
          'worker_name',
          'error',
          'events_seq',
          'applied_seq',
          sql<string | number | null>`extract(epoch from (now() - heartbeat_at)) * 1000`.as('silent_ms'),
        ])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        id: row.id,
        deploymentId: row.deployment_id,
        pool: row.pool,
        state: row.state as ScriptTaskState,
        workerId: row.worker_id,
        workerName: row.worker_name,
        error: row.error,
        eventsSeq: Number(row.events_seq),
        appliedSeq: Number(row.applied_seq),
        silentMs: row.silent_ms === null ? null : Number(row.silent_ms),
      };
    },

    /**
     * Gives the oldest queued task of the worker's pool whose deployment is still executing to the
     * worker (one winner when workers race: SKIP LOCKED); undefined when there is none.
     */
    async lease(worker: { id: string; name: string; pool: string }): Promise<WorkerTask | undefined> {
      const leased = await sql<{
        id: string;
        deployment_id: string;
        step: string;
        target: string | null;
        payload: string | null;
        lease_timeout_ms: number;
      }>`
        update script_tasks
           set state = 'leased', worker_id = ${worker.id}, worker_name = ${worker.name},
               leased_at = now(), heartbeat_at = now()
         where id = (
                 select t.id from script_tasks t join deployments d on d.id = t.deployment_id
                  where t.pool = ${worker.pool} and t.state = 'queued' and d.state = 'executing'
                  order by t.created_at, t.id
                  limit 1
                    for update of t skip locked)
           and state = 'queued'
        returning id, deployment_id, step, target, payload, lease_timeout_ms`.execute(db);
      const row = leased.rows[0];
      if (!row?.payload) return undefined;
      const payload = scriptTaskPayloadSchema.parse(
        JSON.parse(secrets.decrypt(row.payload, payloadContext(row.id))),
      );
      return {
        ...payload,
        id: row.id,
        deploymentId: row.deployment_id,
        step: row.step,
        target: row.target,
        heartbeatSeconds: Number(row.lease_timeout_ms) / 6000,
      };
    },

    /**
     * Stores a batch of events from the worker holding the task (an empty batch is a heartbeat).
     * Answers `canceled` once the deployment is no longer executing. WORKER_TASK_LOST when the task is no
     * longer the worker's (timed out, removed); NOT_FOUND when it never was.
     */
    async appendEvents(
      id: string,
      workerId: string,
      events: readonly ScriptEvent[],
    ): Promise<'running' | 'canceled'> {
      return inTransaction(db, async (trx) => {
        const { seq, deploymentState } = await heartbeat(trx, id, workerId, events.length > 0);
        if (events.length > 0) await storeEvents(trx, id, seq, events);
        return deploymentState === 'executing' ? 'running' : 'canceled';
      });
    },

    /**
     * Ends the task with the worker's last events and result, and wipes its payload. Sending the
     * same completion again (a retry after a lost answer) changes nothing.
     */
    async complete(
      id: string,
      workerId: string,
      events: readonly ScriptEvent[],
      result: ScriptResult,
    ): Promise<void> {
      await inTransaction(db, async (trx) => {
        const done = await trx
          .selectFrom('script_tasks')
          .select(['state', 'worker_id'])
          .where('id', '=', id)
          .executeTakeFirst();
        if (
          done &&
          done.worker_id === workerId &&
          done.state === (result.outcome === 'success' ? 'succeeded' : 'failed')
        )
          return;
        const { seq } = await heartbeat(trx, id, workerId, events.length > 0);
        if (events.length > 0) await storeEvents(trx, id, seq, events);
        await trx
          .updateTable('script_tasks')
          .set({
            state: result.outcome === 'success' ? 'succeeded' : 'failed',
            error: result.outcome === 'failed' ? result.error : null,
            finished_at: sql<Date>`now()`,
            payload: null,
          })
          .where('id', '=', id)
          .execute();
      });
    },

    /** The event batches after `seq`, oldest first (decrypted). */
    async eventsAfter(id: string, seq: number): Promise<EventBatch[]> {
      const rows = await db
        .selectFrom('script_task_events')
        .select(['seq', 'events'])
        .where('task_id', '=', id)
        .where('seq', '>', seq)
        .orderBy('seq')
        .execute();
      return rows.map((r) => ({ seq: Number(r.seq), events: decryptEvents(id, Number(r.seq), r.events) }));
    },

    /** Records that the step applied every batch up to `seq`. */
    async markApplied(id: string, seq: number): Promise<void> {
      await db
        .updateTable('script_tasks')
        .set({ applied_seq: seq })
        .where('id', '=', id)
        .where('applied_seq', '<', seq)
        .execute();
    },

    /**
     * Fails a leased task whose worker has been silent for `timeoutMs` or more, with `error`; answers
     * whether it did (a heartbeat that came in meanwhile wins).
     */
    async expireLease(id: string, timeoutMs: number, error: string): Promise<boolean> {
      const row = await db
        .updateTable('script_tasks')
        .set({ state: 'failed', error, finished_at: sql<Date>`now()`, payload: null })
        .where('id', '=', id)
        .where('state', '=', 'leased')
        .where(
          sql<boolean>`heartbeat_at <= now() - ${`${Math.max(0, Math.round(timeoutMs))} milliseconds`}::interval`,
        )
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Gives a leased task that has not sent anything back to the queue (its worker never got it). */
    async release(id: string, workerId: string): Promise<boolean> {
      const row = await db
        .updateTable('script_tasks')
        .set({ state: 'queued', worker_id: null, worker_name: null, leased_at: null, heartbeat_at: null })
        .where('id', '=', id)
        .where('worker_id', '=', workerId)
        .where('state', '=', 'leased')
        .where('events_seq', '=', 0)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Cancels a task no worker has taken yet; answers whether it did. */
    async cancelQueued(id: string, error: string): Promise<boolean> {
      const row = await db
        .updateTable('script_tasks')
        .set({ state: 'canceled', error, finished_at: sql<Date>`now()`, payload: null })
        .where('id', '=', id)
        .where('state', '=', 'queued')
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Fails every task `workerId` holds (the worker was removed); answers how many. */
    async failWorkerTasks(workerId: string, error: string): Promise<number> {
      const rows = await db
        .updateTable('script_tasks')
        .set({ state: 'failed', error, finished_at: sql<Date>`now()`, payload: null })
        .where('worker_id', '=', workerId)
        .where('state', '=', 'leased')
        .returning('id')
        .execute();
      return rows.length;
    },

    /** Deletes tasks (and their events) that ended more than `hours` ago; answers how many. */
    async sweep(hours = 24): Promise<number> {
      const rows = await db
        .deleteFrom('script_tasks')
        .where('state', 'in', FINAL)
        .where(sql<boolean>`finished_at < now() - ${`${hours} hours`}::interval`)
        .returning('id')
        .execute();
      return rows.length;
    },
  };
}

/** The script tasks repository's type. */
export type ScriptTasksRepository = ReturnType<typeof scriptTasksRepository>;
