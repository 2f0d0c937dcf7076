/**
 * The worker's loop (docs/workers.md): lease a script task of its pool (a long poll), run it with
 * the same process code as the server (script-process.ts) under the same isolation rules
 * (script-isolation.ts), mask its lines here before they leave the machine, report its events and
 * result, and stop the script when the deployment is canceled or the server takes the task back.
 * A first stop signal stops taking tasks and lets the running one finish; `kill` stops it.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { isSlipwayError, messageOf } from '../../core/errors.js';
import { createMasker, type Masker } from '../../core/variables/mask.js';
import {
  MAX_LINE_CHARS,
  MAX_VALUE_CHARS,
  type ScriptResult,
  type WorkerTask,
} from '../../core/workers/protocol.js';
import type { ScriptIsolation } from '../../jobs/executors/script-isolation.js';
import { runScriptProcess, type ScriptSink } from '../../jobs/executors/script-process.js';
import { TaskReporter } from './task-reporter.js';
import type { WorkerClient } from './worker-client.js';

/** What the loop runs with. */
export interface WorkerRun {
  client: WorkerClient;
  name: string;
  pool: string;
  isolation: ScriptIsolation;
  /** Where scripts' private directories are made. */
  root: string;
  /** One line of the worker's own output. */
  say(line: string): void;
  /** Stop taking tasks (the running one finishes). */
  stop: AbortSignal;
  /** Stop the running script too. */
  kill: AbortSignal;
  /** Longest wait of one lease request. Default 20 s. */
  waitSeconds?: number;
}

/** Longest pause between attempts while the server cannot be reached. */
const MAX_BACKOFF_MS = 30_000;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Runs until `stop`; throws when the server refuses the worker's key (it was removed). */
export async function runWorker(run: WorkerRun): Promise<void> {
  let backoff = 0;
  let disabledSaid = false;
  while (!run.stop.aborted) {
    let answer: { task: WorkerTask | null; disabled: boolean };
    try {
      answer = await run.client.lease(run.waitSeconds ?? 20, run.stop);
      if (backoff > 0) run.say('The server answers again.');
      backoff = 0;
    } catch (e) {
      if (run.stop.aborted) break;
      if (isSlipwayError(e) && e.code === 'UNAUTHENTICATED') throw e;
      backoff = Math.min(Math.max(1000, backoff * 2), MAX_BACKOFF_MS);
      run.say(`Could not lease a task: ${messageOf(e)}; trying again in ${backoff / 1000} s.`);
      await delay(backoff, undefined, { signal: run.stop }).catch(() => {});
      continue;
    }
    if (answer.disabled !== disabledSaid) {
      disabledSaid = answer.disabled;
      run.say(
        answer.disabled
          ? 'This worker is disabled by an administrator: it takes no task until enabled.'
          : 'This worker is enabled again.',
      );
    }
    if (answer.task) await runTask(run, answer.task);
  }
}

/** Masks with a growing list of values. */
class GrowingMasker {
  #values: string[];
  #masker: Masker;
  constructor(values: readonly string[]) {
    this.#values = [...values];
    this.#masker = createMasker(this.#values);
  }
  add(value: string): void {
    this.#values.push(value);
    this.#masker = createMasker(this.#values);
  }
  mask(text: string): string {
    return this.#masker.mask(text);
  }
}

async function runTask(run: WorkerRun, task: WorkerTask): Promise<void> {
  const where = `step "${task.step}"${task.target ? ` on ${task.target}` : ''} of deployment ${task.deploymentId}`;
  run.say(`Running task ${task.id}: ${where}.`);
  const masker = new GrowingMasker(task.sensitive);
  const stopScript = new AbortController();
  const reporter = new TaskReporter(run.client, task.id, task.heartbeatSeconds * 1000, {
    canceled: () => stopScript.abort('Canceled'),
    lost: (message) => {
      run.say(`The server took task ${task.id} back: ${message}`);
      stopScript.abort('The server took the task back');
    },
    warn: run.say,
  });
  const onKill = () => stopScript.abort(`The worker "${run.name}" was stopped`);
  run.kill.addEventListener('abort', onKill, { once: true });
  if (run.kill.aborted) onKill();

  // Masked here, before anything leaves the machine; the server masks again.
  const sink: ScriptSink = {
    line: (level, text) =>
      reporter.push({ kind: 'line', level, text: cut(masker.mask(text), MAX_LINE_CHARS) }),
    output: (name, value, sensitive) => {
      if (sensitive) masker.add(value);
      if (value.length > MAX_VALUE_CHARS) {
        sink.line(
          'warning',
          `Output variable ${name} is longer than ${MAX_VALUE_CHARS} characters: not sent.`,
        );
        return;
      }
      reporter.push({ kind: 'output', name: cut(name, 1000), value, sensitive });
    },
    mask: (value) => {
      masker.add(value);
      if (value.length <= MAX_VALUE_CHARS) reporter.push({ kind: 'mask', value });
    },
  };
  let result: ScriptResult;
  try {
    result = await runScriptProcess(
      {
        syntax: task.syntax,
        script: task.script,
        variables: task.variables,
        sensitive: task.sensitive,
        env: { ...task.env, SLIPWAY_WORKER_NAME: run.name, SLIPWAY_WORKER_POOL: run.pool },
      },
      sink,
      {
        isolation: run.isolation,
        root: run.root,
        signal: stopScript.signal,
        host: 'the worker',
        ownUserFlag: '--scripts-as-worker-user',
      },
    );
  } catch (e) {
    result = {
      outcome: 'failed',
      error: `The worker "${run.name}" could not run the script: ${messageOf(e)}`,
    };
  } finally {
    run.kill.removeEventListener('abort', onKill);
  }
  if (result.outcome === 'failed') {
    result = { outcome: 'failed', error: cut(masker.mask(result.error), MAX_LINE_CHARS) };
  }
  await reporter.finish(result);
  run.say(
    `Task ${task.id} ${result.outcome === 'success' ? 'succeeded' : `failed: ${result.error.split('\n')[0] ?? ''}`}.`,
  );
}
