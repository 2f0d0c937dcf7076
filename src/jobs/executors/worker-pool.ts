/**
 * A "Run a script" step that names a worker pool (docs/workers.md): the step stores a script task
 * with only what it needs (the script, its variables, the target's AWS credentials; encrypted),
 * waits for a worker of the pool to lease it, writes what the worker sends back to its log and
 * outputs (masked again here), and ends with the worker's result. It saves the task's id, so a
 * deployment resumed on another node re-attaches to the task instead of running the script twice.
 */
import {
  POOL_NAME,
  POOL_NAME_RULE,
  type ScriptEvent,
  type ScriptSyntax,
} from '../../core/workers/protocol.js';
import type { Store } from '../../store/database.js';
import { scriptTasksRepository, type ScriptTaskStatus } from '../../store/script-tasks.js';
import type { SecretBox } from '../../store/secrets.js';
import { workersRepository } from '../../store/workers.js';
import type { StepContext, StepResult } from '../executor.js';
import { CanceledError, sleep } from '../step-context.js';
import { scriptStart } from './script-aws.js';

/** Fail when no worker of the pool has been online this long while the script waits. */
export const DEFAULT_WORKER_WAIT_MS = 10 * 60_000;
/** A leased task whose worker has sent nothing this long fails (workers heartbeat at a sixth of it). */
export const DEFAULT_WORKER_LEASE_TIMEOUT_MS = 30_000;
/** While no worker is online, the step says so again this often. */
const REMIND_MS = 60_000;

/** How steps that name a worker pool hand their script over. */
export interface WorkerPoolOptions {
  store: Store;
  secrets: SecretBox;
  /** Fail when no worker of the pool has been online this long while the script waits. Default 10 minutes. */
  waitMs?: number;
  /** A leased task whose worker has sent nothing this long fails. Default 30 s. */
  leaseTimeoutMs?: number;
  /** How often the step looks at its task. Default 500 ms. */
  pollMs?: number;
}

/** The script part of a run-script action that names a pool. */
export interface PoolScriptAction {
  syntax: ScriptSyntax;
  script: string;
  workerPool: string;
}

/** `90 s`, `10 minutes`: a duration for a log line. */
export function describeDuration(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} minutes`;
}

/** Ends tasks that finished long ago (their events are no longer needed to resume). */
export async function sweepScriptTasks(options: Pick<WorkerPoolOptions, 'store' | 'secrets'>): Promise<void> {
  await scriptTasksRepository(options.store.db, options.secrets).sweep();
}

/** Runs the step's script on a worker of `action.workerPool`. */
export async function runOnWorkerPool(
  ctx: StepContext,
  action: PoolScriptAction,
  options: WorkerPoolOptions,
): Promise<StepResult> {
  const pool = action.workerPool;
  if (!POOL_NAME.test(pool)) {
    return {
      outcome: 'failed',
      error: `workerPool "${pool}" is not a worker pool's name (${POOL_NAME_RULE}).`,
    };
  }
  const waitMs = options.waitMs ?? DEFAULT_WORKER_WAIT_MS;
  const leaseTimeoutMs = options.leaseTimeoutMs ?? DEFAULT_WORKER_LEASE_TIMEOUT_MS;
  const pollMs = options.pollMs ?? 500;
  const tasks = scriptTasksRepository(options.store.db, options.secrets);
  const workers = workersRepository(options.store.db);

  const apply = (events: readonly ScriptEvent[], withLines: boolean) => {
    for (const e of events) {
      if (e.kind === 'line') {
        if (withLines) ctx.log[e.level](e.text);
      } else if (e.kind === 'output') {
        ctx.setOutput(e.name, e.value, e.sensitive);
      } else {
        ctx.log.addSensitive([e.value]);
      }
    }
  };

  // Re-attach to the task an earlier run of this attempt handed over, unless it never ran.
  const previous = ctx.previous['scriptTaskId'];
  let taskId = typeof previous === 'string' ? previous : undefined;
  let status = taskId === undefined ? undefined : await tasks.status(taskId);
  let applied = 0;
  if (taskId !== undefined && status !== undefined && status.state !== 'canceled') {
    applied = status.appliedSeq;
    ctx.log.verbose(
      `Resuming: the script was handed to pool "${pool}" before (task ${taskId}, ${status.state}).`,
    );
    // Its outputs and masks count again; its lines are in the log already.
    for (const batch of await tasks.eventsAfter(taskId, 0))
      if (batch.seq <= applied) apply(batch.events, false);
  } else {
    const start = await scriptStart(ctx);
    if ('outcome' in start) return start;
    const { env, sensitive } = start;
    taskId = await tasks.create({
      deploymentId: ctx.deploymentId,
      step: ctx.step.name,
      ...(ctx.target ? { target: ctx.target.name } : {}),
      pool,
      leaseTimeoutMs,
      payload: {
        syntax: action.syntax,
        script: action.script,
        variables: ctx.variables.values,
        sensitive,
        env,
      },
    });
    await ctx.saveProgress({ scriptTaskId: taskId });
    ctx.log.info(`Handed the script to worker pool "${pool}"; waiting for a worker to run it.`);
  }

  let offlineSince: number | undefined;
  let remindedAt = 0;
  let waitingSaid = false;
  let runningOn: string | null = null;
  for (;;) {
    // The state first, then the events: a task seen final has all its events stored.
    status = await tasks.status(taskId);
    if (!status) {
      return { outcome: 'failed', error: `The script task ${taskId} is gone (removed from the database).` };
    }
    // Said before its lines, even when the worker was done before this step looked.
    if (status.workerId !== null && runningOn !== status.workerId) {
      runningOn = status.workerId;
      ctx.log.info(`Running on worker "${status.workerName ?? '?'}" (pool "${pool}").`);
    }
    const batches = await tasks.eventsAfter(taskId, applied);
    for (const batch of batches) {
      apply(batch.events, true);
      applied = batch.seq;
    }
    if (batches.length > 0) await tasks.markApplied(taskId, applied);

    const result = resultOf(status);
    if (result) return result;
    if (status.state === 'queued') {
      const online = await workers.onlineInPool(pool);
      const now = Date.now();
      if (online === 0) {
        if (offlineSince === undefined) {
          offlineSince = now;
          remindedAt = now;
          ctx.log.warning(
            `No worker of pool "${pool}" is online: the script waits up to ${describeDuration(waitMs)} for one. ` +
              `Start one with "slipway worker --server <URL> --pool ${pool}" (docs/workers.md).`,
          );
        } else if (now - offlineSince >= waitMs) {
          const error =
            `No worker of pool "${pool}" was online for ${describeDuration(waitMs)}, so the script did not run. ` +
            `Start a worker in that pool ("slipway worker --server <URL> --pool ${pool}", docs/workers.md), or ` +
            `change the step's workerPool, then retry.`;
          if (await tasks.cancelQueued(taskId, error)) return { outcome: 'failed', error };
        } else if (now - remindedAt >= REMIND_MS) {
          remindedAt = now;
          ctx.log.info(
            `Still no worker of pool "${pool}" online (waited ${describeDuration(now - offlineSince)} of ` +
              `${describeDuration(waitMs)}).`,
          );
        }
      } else if (offlineSince !== undefined || !waitingSaid) {
        offlineSince = undefined;
        waitingSaid = true;
        ctx.log.info(`Waiting for a free worker of pool "${pool}" (${online} online).`);
      }
    } else if (status.state === 'leased') {
      if (status.silentMs !== null && status.silentMs >= leaseTimeoutMs) {
        const error =
          `The worker "${status.workerName ?? '?'}" stopped answering while it ran the script (nothing for ` +
          `${describeDuration(status.silentMs)}): it died or lost its connection, and the script may have run ` +
          `in part. Check the worker, then retry the step.`;
        // A heartbeat that arrived meanwhile wins; the next round reads the outcome either way.
        await tasks.expireLease(taskId, leaseTimeoutMs, error);
        continue;
      }
    }
    try {
      await sleep(pollMs, ctx.signal);
    } catch (e) {
      if (!(e instanceof CanceledError)) throw e;
      // Canceled (or this node let go): a queued task must not start now. A leased one learns of a
      // cancel from its heartbeat's answer; after a node let go, the resumed run re-attaches to it.
      await tasks.cancelQueued(taskId, 'The deployment stopped before a worker took the script.');
      return { outcome: 'failed', error: 'canceled' };
    }
  }
}

function resultOf(status: ScriptTaskStatus): StepResult | undefined {
  switch (status.state) {
    case 'succeeded':
      return { outcome: 'success' };
    case 'failed':
    case 'canceled':
      return { outcome: 'failed', error: status.error ?? 'The script failed on the worker.' };
    default:
      return undefined;
  }
}
