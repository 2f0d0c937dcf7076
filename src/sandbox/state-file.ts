/**
 * The optional state file: the world is written (atomically, debounced) after changes and read at
 * start-up, so a restarted sandbox keeps its accounts, clusters, services and running tasks.
 */
import { readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { messageOf, SlipwayError } from '../core/errors.js';
import { MAX_SANDBOX_TIME } from './clock.js';
import { stateProblem } from './state-schema.js';
import { STATE_KIND, STATE_VERSION, type WorldState } from './world.js';

/** What to do about a state file that cannot be used, said the same way everywhere. */
const WHAT_TO_DO = 'Move it away (or delete it) to start with a fresh world, or pass another --state path.';

/** The error for a state file that exists but cannot be used (a user error: exit 3). */
export function damagedState(file: string, what: string, cause?: unknown): SlipwayError {
  return new SlipwayError(
    'SANDBOX_STATE_INVALID',
    `The sandbox state file ${file} ${what}. ${WHAT_TO_DO}`,
    cause === undefined ? undefined : { cause },
  );
}

/** Reads a state file, or undefined when it does not exist. */
export function loadState(file: string): WorldState | undefined {
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const reason = messageOf(cause);
    throw damagedState(file, `cannot be read (${reason}); check that it is a file you may read`, cause);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw damagedState(file, 'is not valid JSON (damaged or cut short)', cause);
  }
  const w = parsed as Partial<WorldState> | null;
  if (!w || w.kind !== STATE_KIND) {
    throw new SlipwayError(
      'SANDBOX_STATE_INVALID',
      `${file} is not a Slipway sandbox state file. Pass another --state path, or delete the file.`,
    );
  }
  if (w.version !== STATE_VERSION) {
    throw new SlipwayError(
      'SANDBOX_STATE_INVALID',
      `${file} was written by another sandbox version (state version ${String(w.version)}, this sandbox reads ${STATE_VERSION}). Delete it to start fresh.`,
    );
  }
  const problem = stateProblem(w) ?? accountKeyProblem(w as WorldState);
  if (problem) throw damagedState(file, `is damaged (${problem})`);
  if (w.savedAt !== undefined && !(w.savedAt <= MAX_SANDBOX_TIME)) {
    throw damagedState(file, `is damaged (savedAt: the sandbox time is past the year 9999)`);
  }
  return w as WorldState;
}

/** An account filed under another id than its own. */
function accountKeyProblem(w: WorldState): string | undefined {
  for (const [key, account] of Object.entries(w.accounts)) {
    if (account.id !== key) return `accounts.${key}.id: is ${account.id}, not ${key}`;
  }
  return undefined;
}

/** Writes the world through a temporary file and a rename, so a crash never leaves half a file. */
export function saveState(file: string, world: WorldState, now: number): void {
  world.savedAt = now;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(world));
  renameSync(tmp, file);
}

/** Saves at most every `delayMs` after changes; `flush()` saves now if anything is pending. */
export class StateSaver {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly world: () => WorldState,
    private readonly now: () => number,
    private readonly delayMs = 250,
  ) {}

  changed(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    saveState(this.file, this.world(), this.now());
  }
}
