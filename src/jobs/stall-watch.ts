/**
 * Stalled deployments: a deployment running on this node that has written nothing to its task log
 * and saved no progress for `stallAfterMs` gets one warning line (`deployment.stalled`) and its
 * `stalledSince` set; the flag is cleared as soon as it logs or saves again (a later stall warns
 * again). A deployment waiting for a person (an open manual intervention or guided-failure question)
 * is waiting, not stalled. The watch learns of progress by wrapping the runner's store
 * (`track`), so it costs no query while deployments make progress. docs/engine.md.
 */
import type { Kysely } from 'kysely';
import { makeEvent } from '../core/events.js';
import type { Interruption, TaskLogLine } from '../core/model/release.js';
import { clearStalled, markStalled } from '../store/deployment-stalls.js';
import type { Database } from '../store/types.js';
import type { RunnerStore } from './runner-deps.js';
import { EVENT_LINE_LEVEL } from './step-context.js';

/** Default time without progress after which a deployment is flagged: 30 minutes. */
export const DEFAULT_STALL_AFTER_MS = 30 * 60_000;

/** The store calls the watch makes. */
export interface StallStore {
  /** Writes lines to the task log (the watch's own warning; not progress). */
  appendLog(id: string, lines: Omit<TaskLogLine, 'seq'>[]): Promise<void>;
  interruptions(id: string): Promise<Interruption[]>;
  markStalled(id: string, since: Date): Promise<void>;
  clearStalled(id: string): Promise<void>;
}

/** What the watch needs. */
export interface StallWatchOptions {
  store: StallStore;
  /** No progress for this long flags a deployment. Default 30 minutes. */
  stallAfterMs?: number;
  /** The deployments this node runs now. */
  running: () => Iterable<string>;
  /** The clock. Default Date.now. */
  now?: () => number;
}

/** A started watch. */
export interface StallWatch {
  /** How often `check` should run: a quarter of stallAfterMs, between 250 ms and a minute. */
  readonly checkEveryMs: number;
  /** `store` whose appendLog and saveStep count as progress. */
  track<T extends RunnerStore>(store: T): T;
  /** Flags what has stalled since the last check. */
  check(): Promise<void>;
}

/** The stall store over the deployments repository and the database. */
export function stallStore(db: Kysely<Database>, deployments: RunnerStore): StallStore {
  return {
    appendLog: (id, lines) => deployments.appendLog(id, lines),
    interruptions: (id) => deployments.interruptions(id),
    markStalled: (id, since) => markStalled(db, id, since),
    clearStalled: (id) => clearStalled(db, id),
  };
}

/** Creates the watch; the engine runs `check` every `checkEveryMs` while it works. */
export function watchStalls(options: StallWatchOptions): StallWatch {
  const { store } = options;
  const stallAfterMs = options.stallAfterMs ?? DEFAULT_STALL_AFTER_MS;
  const now = options.now ?? Date.now;
  /** Last progress per deployment seen on this node. */
  const progress = new Map<string, number>();
  /** Deployments this node flagged. */
  const flagged = new Set<string>();

  const progressed = async (id: string): Promise<void> => {
    const seen = progress.has(id);
    progress.set(id, now());
    // First seen here: another node (dead now) may have flagged it.
    if (flagged.delete(id) || !seen) await store.clearStalled(id);
  };

  const minutes = (ms: number) => Math.round((ms / 60_000) * 10) / 10;

  return {
    checkEveryMs: Math.min(60_000, Math.max(250, Math.floor(stallAfterMs / 4))),
    track<T extends RunnerStore>(tracked: T): T {
      const appendLog: RunnerStore['appendLog'] = async (id, lines) => {
        await tracked.appendLog(id, lines);
        await progressed(id);
      };
      const saveStep: RunnerStore['saveStep'] = async (id, step) => {
        await tracked.saveStep(id, step);
        await progressed(id);
      };
      return Object.assign(Object.create(tracked) as T, { appendLog, saveStep });
    },
    async check() {
      const running = new Set(options.running());
      for (const id of progress.keys()) {
        if (!running.has(id)) {
          progress.delete(id);
          flagged.delete(id);
        }
      }
      for (const id of running) {
        const last = progress.get(id);
        if (last === undefined) {
          progress.set(id, now());
          continue;
        }
        if (flagged.has(id) || now() - last < stallAfterMs) continue;
        const questions = await store.interruptions(id);
        if (questions.some((q) => q.answer === undefined)) continue;
        // Progress while we asked: not stalled after all.
        if (progress.get(id) !== last || !running.has(id)) continue;
        flagged.add(id);
        const since = new Date(last);
        await store.markStalled(id, since);
        const event = makeEvent(
          'deployment.stalled',
          `No progress for ${minutes(now() - last)} minutes: nothing was logged or saved since ` +
            `${since.toISOString()}. The deployment is still running; check what its current step waits ` +
            'for (the ECS service, the script), or cancel it.',
          { stalledSince: since.toISOString(), stallAfterMinutes: minutes(stallAfterMs) },
        );
        await store.appendLog(id, [
          {
            path: [],
            level: EVENT_LINE_LEVEL[event.level],
            at: new Date(now()),
            message: event.message,
            code: event.code,
            data: event.data,
          },
        ]);
      }
    },
  };
}
