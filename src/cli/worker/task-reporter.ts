/**
 * What a worker sends about its running task: the script's events in order, in batches (at most
 * MAX_EVENTS and ~512 KB each, within 200 ms of the first), and at least every heartbeat interval
 * (an empty batch), so the server knows the worker is alive. An answer `canceled`, or a task the
 * server took back (WORKER_TASK_LOST, NOT_FOUND, or the key refused: the worker was removed),
 * stop the script; a server that cannot be reached is retried, the events kept, until the server
 * gives up on the task.
 */
import { isSlipwayError, messageOf } from '../../core/errors.js';
import { MAX_EVENTS, type ScriptEvent, type ScriptResult } from '../../core/workers/protocol.js';
import type { WorkerClient } from './worker-client.js';

/** How long an event may wait for its batch. */
const FLUSH_MS = 200;
/** Largest batch body, in bytes of JSON (the server takes 1 MiB). */
const BATCH_BYTES = 512 * 1024;
/** How long the end of a task is retried while the server cannot be reached. */
const COMPLETE_RETRY_MS = 5 * 60_000;

/** What the reporter tells its task. */
export interface ReporterHandlers {
  /** The deployment was canceled: stop the script. */
  canceled(): void;
  /** The server took the task back (timed out, worker removed): stop the script. */
  lost(message: string): void;
  /** A problem worth a line on the worker's own output. */
  warn(message: string): void;
}

const bytes = (e: ScriptEvent) => Buffer.byteLength(JSON.stringify(e), 'utf8');

/** Reports one task's events; `finish` sends the result. */
export class TaskReporter {
  readonly #queue: ScriptEvent[] = [];
  #flushTimer: NodeJS.Timeout | undefined;
  readonly #heartbeat: NodeJS.Timeout;
  #sending: Promise<void> = Promise.resolve();
  #lost = false;
  #canceled = false;
  #unreachableSaid = false;

  constructor(
    private readonly client: WorkerClient,
    private readonly taskId: string,
    heartbeatMs: number,
    private readonly handlers: ReporterHandlers,
  ) {
    this.#heartbeat = setInterval(() => void this.flush(), Math.max(100, heartbeatMs));
  }

  /** Queues an event (already masked where it is a line). */
  push(event: ScriptEvent): void {
    if (this.#lost) return;
    this.#queue.push(event);
    if (this.#queue.length >= MAX_EVENTS) void this.flush();
    else this.#flushTimer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Sends what is queued (an empty batch when nothing is: a heartbeat), after what is being sent. */
  flush(): Promise<void> {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#sending = this.#sending.then(() => this.#send());
    return this.#sending;
  }

  /** The first batch of the queue that fits one request. */
  #take(): ScriptEvent[] {
    const batch: ScriptEvent[] = [];
    let size = 0;
    while (batch.length < MAX_EVENTS && this.#queue.length > 0) {
      const next = bytes(this.#queue[0]!);
      if (batch.length > 0 && size + next > BATCH_BYTES) break;
      batch.push(this.#queue.shift()!);
      size += next;
    }
    return batch;
  }

  async #send(): Promise<void> {
    do {
      if (this.#lost) return;
      const batch = this.#take();
      try {
        const state = await this.client.events(this.taskId, batch);
        this.#unreachableSaid = false;
        if (state === 'canceled' && !this.#canceled) {
          this.#canceled = true;
          this.handlers.canceled();
        }
      } catch (e) {
        if (this.#isLost(e)) return;
        // Kept for the next attempt (the heartbeat timer tries again).
        this.#queue.unshift(...batch);
        if (!this.#unreachableSaid) this.handlers.warn(`Could not report to the server: ${messageOf(e)}`);
        this.#unreachableSaid = true;
        return;
      }
    } while (this.#queue.length > 0);
  }

  #isLost(e: unknown): boolean {
    // A key refused mid-task means the worker was removed: its task failed on the server.
    const gone: readonly string[] = ['WORKER_TASK_LOST', 'NOT_FOUND', 'UNAUTHENTICATED'];
    if (!isSlipwayError(e) || !gone.includes(e.code)) return false;
    if (!this.#lost) {
      this.#lost = true;
      this.#queue.length = 0;
      this.handlers.lost(e.message);
    }
    return true;
  }

  /** Stops the heartbeat and sends the rest of the events and the result, retrying while unreachable. */
  async finish(result: ScriptResult): Promise<void> {
    clearInterval(this.#heartbeat);
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    await this.#sending;
    const deadline = Date.now() + COMPLETE_RETRY_MS;
    let wait = 1000;
    for (;;) {
      if (this.#lost) return;
      try {
        // All but the last batch as events, the last with the result.
        while (
          this.#queue.length > MAX_EVENTS ||
          this.#queue.reduce((n, e) => n + bytes(e), 0) > BATCH_BYTES
        ) {
          const batch = this.#take();
          try {
            await this.client.events(this.taskId, batch);
          } catch (e) {
            this.#queue.unshift(...batch);
            throw e;
          }
        }
        await this.client.complete(this.taskId, this.#queue, result);
        return;
      } catch (e) {
        if (this.#isLost(e)) return;
        if (Date.now() + wait > deadline) {
          this.handlers.warn(`Gave up reporting the result of task ${this.taskId}: ${messageOf(e)}`);
          return;
        }
        this.handlers.warn(
          `Could not report the result yet (${messageOf(e)}); trying again in ${wait / 1000} s.`,
        );
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 30_000);
      }
    }
  }
}
