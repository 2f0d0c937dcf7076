/**
 * Template evaluation off the event loop: a small pool of worker threads (evaluation-worker.ts)
 * that evaluate a step's action and release version templates. Templates already stop at their
 * budget (core/template/budget.ts); a thread that still does not answer a little after the time
 * budget is terminated and replaced, and the caller gets TEMPLATE_TOO_EXPENSIVE.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SlipwayError, type ErrorCode } from '../core/errors.js';
import type { ProcessStep, RenderedValue, StepVariables } from '../core/deployments/index.js';
import type { VersionContext } from '../core/releases/index.js';
import { DEFAULT_TEMPLATE_BUDGET, TemplateTooExpensiveError } from '../core/template/index.js';

/** A request to the worker. */
export type EvaluationRequest =
  | { id: number; kind: 'action'; action: ProcessStep['action']; variables: StepVariables }
  | { id: number; kind: 'version'; template: string; context: VersionContext }
  | { id: number; kind: 'values'; names: string[]; variables: StepVariables };

/** The worker's answer; `derived` = values computed from secrets, to mask (action and values). */
export type EvaluationReply =
  | { id: number; ok: true; value: unknown; derived?: string[] }
  | {
      id: number;
      ok: false;
      derived: string[];
      error: { code?: ErrorCode; message: string; data?: Record<string, unknown> };
    };

/** How long past the time budget a thread may stay silent before it is replaced. */
const GRACE_MS = 5_000;

interface Pending {
  resolve(reply: EvaluationReply): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** One worker thread and the requests it is answering. */
class EvaluationThread {
  readonly pending = new Map<number, Pending>();
  private readonly worker: Worker;
  private dead = false;

  constructor(private readonly onDeath: (thread: EvaluationThread) => void) {
    this.worker = startWorker();
    this.worker.on('message', (reply: EvaluationReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      clearTimeout(p.timer);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      p.resolve(reply);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) =>
      this.fail(new Error(`The template evaluation thread exited (code ${code}).`)),
    );
    // An idle thread never keeps the process alive (unref after the listeners, which ref it).
    this.worker.unref();
  }

  send(request: EvaluationRequest, timeoutMs: number): Promise<EvaluationReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // The budget did not stop it (a bug or a single pathological step): replace the thread.
        this.fail(new TemplateTooExpensiveError('maxMilliseconds', DEFAULT_TEMPLATE_BUDGET.maxMilliseconds));
      }, timeoutMs);
      timer.unref();
      this.pending.set(request.id, { resolve, reject, timer });
      // Held while it answers, so that a caller with nothing else to wait for gets its answer.
      this.worker.ref();
      this.worker.postMessage(request);
    });
  }

  private fail(error: Error): void {
    if (this.dead) return;
    this.dead = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
    void this.worker.terminate();
    this.onDeath(this);
  }
}

/** A pool of evaluation threads (default size: min(2, CPUs)); threads start on first use. */
export class EvaluationThreads {
  private readonly threads: EvaluationThread[] = [];
  private nextId = 1;

  constructor(private readonly size = Math.max(1, Math.min(2, availableParallelism()))) {}

  /**
   * core/deployments evaluateAction in a thread. Values derived from secrets are added to
   * `variables.sensitive` as the core function does, also when it fails.
   */
  async evaluateAction(
    action: ProcessStep['action'],
    variables: StepVariables,
  ): Promise<ProcessStep['action']> {
    const reply = await this.ask({ id: this.nextId++, kind: 'action', action, variables });
    variables.sensitive.push(...(reply.derived ?? []));
    return settle(reply) as ProcessStep['action'];
  }

  /**
   * core/deployments renderValues in a thread: what each named value renders to. Values derived
   * from secrets are added to `variables.sensitive`.
   */
  async renderValues(names: string[], variables: StepVariables): Promise<Record<string, RenderedValue>> {
    const reply = await this.ask({ id: this.nextId++, kind: 'values', names, variables });
    variables.sensitive.push(...(reply.derived ?? []));
    return settle(reply) as Record<string, RenderedValue>;
  }

  /** core/releases nextReleaseVersion in a thread. */
  async nextReleaseVersion(template: string, context: VersionContext): Promise<string> {
    return settle(await this.ask({ id: this.nextId++, kind: 'version', template, context })) as string;
  }

  private ask(request: EvaluationRequest): Promise<EvaluationReply> {
    return this.thread().send(request, DEFAULT_TEMPLATE_BUDGET.maxMilliseconds + GRACE_MS);
  }

  /** The least busy thread, starting one while the pool is not full. */
  private thread(): EvaluationThread {
    const idle = this.threads.find((t) => t.pending.size === 0);
    if (idle) return idle;
    if (this.threads.length < this.size) {
      const t = new EvaluationThread((dead) => this.threads.splice(this.threads.indexOf(dead) >>> 0, 1));
      this.threads.push(t);
      return t;
    }
    return this.threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }
}

/**
 * The worker thread. Built, it is evaluation-worker.js; from source (tests through tsx) it is the
 * .ts file, which the thread loads after registering tsx itself (workers do not inherit loaders on
 * every Node version).
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./evaluation-worker.js', import.meta.url));
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./evaluation-worker.ts', import.meta.url).href;
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(worker)}); });`,
    { eval: true },
  );
}

function settle(reply: EvaluationReply): unknown {
  if (reply.ok) return reply.value;
  const { code, message, data } = reply.error;
  if (code) throw new SlipwayError(code, message, data ? { data } : {});
  throw new Error(message);
}

/** The process's shared pool. */
export const evaluationThreads = new EvaluationThreads();
