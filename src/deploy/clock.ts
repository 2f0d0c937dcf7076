/**
 * The deployer's clock: the time, and pauses that end early when the caller's AbortSignal aborts
 * (the only way watching stops before a verdict).
 */
import { setTimeout as wait } from 'node:timers/promises';
import type { DeployControl } from './service-input.js';

/** What the loops use to tell the time, pace themselves, and notice a stop. */
export interface Clock {
  now(): number;
  /** Waits ms; rejects with the signal's reason once it aborts. */
  pause(ms: number): Promise<void>;
  /** Throws the signal's reason if it aborted. */
  check(): void;
  /** True once the signal aborted (default: never). */
  aborted?(): boolean;
}

const defaultSleep = (ms: number, signal?: AbortSignal) => wait(ms, undefined, signal ? { signal } : {});

/** The clock of a control (defaults: Date.now, node:timers/promises, never stopped). */
export function clockOf(control: DeployControl): Clock {
  const { signal } = control;
  const sleep = control.sleep ?? defaultSleep;
  const check = () => signal?.throwIfAborted();
  return {
    now: control.now ?? Date.now,
    check,
    aborted: () => signal?.aborted === true,
    pause: async (ms) => {
      check();
      try {
        await sleep(ms, signal);
      } catch (e) {
        // A canceled timer rejects with its own AbortError: the caller gets the signal's reason.
        check();
        throw e;
      }
      check();
    },
  };
}
