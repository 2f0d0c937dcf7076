/**
 * One process per embedded database: `<data dir>/slipway.lock` names the process that has the data
 * directory open. Two PGlite instances on one directory each keep their own copy of the database in
 * memory and overwrite each other's writes, so a second opener is refused, naming the holder.
 *
 * The lock file is written whole to a temporary file, then hard-linked into place: link fails when
 * the lock exists, so exactly one of several starting processes wins, and a reader never sees a
 * half-written lock. A lock whose process is gone (kill -9, power loss) is stale: the next opener
 * takes it over. "Gone" means no process with that PID, or (Linux) one that started at another time
 * than the recorded one, so a PID reused after a reboot or in a fresh container does not hold the
 * directory. A lock from another host (a data directory on a shared file system, or a container
 * re-created under a new host name) cannot be checked by PID: its holder touches the file every 10 s,
 * and one untouched for a minute is stale. Taking over happens under a short-lived guard directory,
 * so two openers that both found the same stale lock cannot both win.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmdirSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SlipwayError } from '../core/errors.js';

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'slipway.lock';

/** Who holds a data directory (the lock file's content, JSON). */
export interface LockHolder {
  pid: number;
  host: string;
  /** When the holder took the lock (ISO 8601). */
  since: string;
  /** The holder's start time in clock ticks since boot (Linux), to tell a reused PID apart. */
  processStart?: string;
  /** Random; tells this lock apart from a later one by the same PID. */
  token: string;
}

/** A held lock on a data directory. */
export interface DataDirLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

// A guard older than this was left by a process that died while taking a lock over (it holds the
// guard for a few milliseconds).
const GUARD_STALE_MS = 10_000;
const ATTEMPTS = 20;
/** How often a holder touches its lock file. */
const TOUCH_MS = 10_000;
/** A lock from another host untouched for this long is stale. */
export const REMOTE_STALE_MS = 60_000;

/** Locks held by this process: path → token. */
const held = new Map<string, string>();

/**
 * Takes the lock on `dataDir` (which must exist), or throws STORE_UNAVAILABLE naming the holder.
 * `touchMs`: how often the lock file is touched while held (default 10 s; tests).
 */
export async function lockDataDir(dataDir: string, touchMs: number = TOUCH_MS): Promise<DataDirLock> {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (held.has(path)) throw inUse(dataDir, path, ownHolder(held.get(path)!), true);
    const me = ownHolder(randomBytes(8).toString('hex'));
    if (tryCreate(path, me)) {
      held.set(path, me.token);
      releaseAtExit();
      const touch = setInterval(() => touchLock(path, me.token), touchMs);
      touch.unref();
      return {
        path,
        release: () => {
          clearInterval(touch);
          release(path, me.token);
        },
      };
    }
    const text = readText(path);
    if (text === undefined) continue; // released between our attempt and the read: try again
    const holder = parseHolder(text);
    if (!holder) {
      throw new SlipwayError(
        'STORE_UNAVAILABLE',
        `The lock file ${path} is not one Slipway wrote, so Slipway cannot tell whether another process ` +
          `uses the data directory ${dataDir}. If none does, delete the file and start again.`,
        { data: { dataDir, reason: 'locked' } },
      );
    }
    if (holderRuns(holder, path)) throw inUse(dataDir, path, holder, false);
    await takeOver(path, text);
  }
  throw new SlipwayError(
    'STORE_UNAVAILABLE',
    `Could not take the lock ${path}: other processes kept taking and releasing it. Check that only one ` +
      `Slipway process uses the data directory ${dataDir}, then start again.`,
    { data: { dataDir, reason: 'locked' } },
  );
}

function ownHolder(token: string): LockHolder {
  const start = processStartTime(process.pid);
  return {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    ...(start ? { processStart: start } : {}),
    token,
  };
}

/** Creates the lock file holding `me`; false when a lock file exists. */
function tryCreate(path: string, me: LockHolder): boolean {
  const text = `${JSON.stringify(me)}\n`;
  const tmp = `${path}.${process.pid}.${me.token}`;
  writeWhole(tmp, text, 'wx');
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: exclusive create, written at once (a reader may see it
    // empty for an instant, and then refuses rather than guessing).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EOPNOTSUPP') {
      try {
        writeWhole(path, text, 'wx');
        return true;
      } catch (e2) {
        if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw lockError(path, e2);
      }
    }
    throw lockError(path, e);
  } finally {
    unlinkQuietly(tmp);
  }
}

function writeWhole(path: string, text: string, flag: string): void {
  let fd: number;
  try {
    fd = openSync(path, flag, 0o600);
  } catch (e) {
    throw (e as NodeJS.ErrnoException).code === 'EEXIST' ? e : lockError(path, e);
  }
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function lockError(path: string, cause: unknown): SlipwayError {
  return new SlipwayError(
    'STORE_UNAVAILABLE',
    `Cannot write the lock file ${path}: ${(cause as Error).message}. Check that the data directory is ` +
      `writable by this user.`,
    { cause, data: { path, reason: 'locked' } },
  );
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw lockError(path, e);
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (!Number.isSafeInteger(v.pid) || (v.pid ?? 0) <= 0) return undefined;
    if (typeof v.host !== 'string' || typeof v.since !== 'string' || typeof v.token !== 'string') {
      return undefined;
    }
    return v as LockHolder;
  } catch {
    return undefined;
  }
}

/** Whether the process a lock names may still run. */
function holderRuns(holder: LockHolder, path: string): boolean {
  if (holder.host !== hostname()) {
    try {
      return Date.now() - statSync(path).mtimeMs < REMOTE_STALE_MS;
    } catch {
      return false; // gone meanwhile
    }
  }
  // Our own PID, but not a lock this process holds: an earlier process with our PID (PID 1 in a
  // container that restarted) died without releasing it.
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = processStartTime(holder.pid);
  return !(holder.processStart && start && start !== holder.processStart);
}

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), Linux only. */
export function processStartTime(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Removes the stale lock whose content is `staleText`, unless another process already replaced it. */
async function takeOver(path: string, staleText: string): Promise<void> {
  const guard = `${path}.takeover`;
  try {
    mkdirSync(guard, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw lockError(guard, e);
    try {
      if (Date.now() - statSync(guard).mtimeMs > GUARD_STALE_MS) rmdirSync(guard);
    } catch {
      // Gone already: the next attempt sees.
    }
    await new Promise((done) => setTimeout(done, 50));
    return;
  }
  try {
    if (readText(path) === staleText) unlinkQuietly(path);
  } finally {
    try {
      rmdirSync(guard);
    } catch {
      // Removed as stale by another process: nothing to do.
    }
  }
}

/** Shows openers on other hosts that the holder still runs (see REMOTE_STALE_MS). */
function touchLock(path: string, token: string): void {
  if (held.get(path) !== token) return;
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // Removed by hand: nothing to refresh; the next opener finds no lock.
  }
}

function release(path: string, token: string): void {
  if (held.get(path) !== token) return;
  held.delete(path);
  const text = readText(path);
  if (text !== undefined && parseHolder(text)?.token === token) unlinkQuietly(path);
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

let exitHook = false;
// A process that exits without closing its store (an error path calling process.exit) leaves no
// lock behind; a killed one leaves a stale lock, which the next opener takes over.
function releaseAtExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const [path, token] of held) release(path, token);
  });
}

function inUse(dataDir: string, path: string, holder: LockHolder, self: boolean): SlipwayError {
  const data = { dataDir, pid: holder.pid, host: holder.host, since: holder.since, reason: 'locked' };
  if (self) {
    return new SlipwayError(
      'STORE_UNAVAILABLE',
      `This process (PID ${holder.pid}) already has the data directory ${dataDir} open; close that store first.`,
      { data },
    );
  }
  const where = holder.host === hostname() ? '' : ` on host ${holder.host}`;
  const remote =
    holder.host === hostname()
      ? ''
      : ` (Its lock was touched less than ${REMOTE_STALE_MS / 1000} s ago; a lock untouched for longer is taken ` +
        `over, so if no Slipway process runs there any more, start again in a minute, or delete ${path}.)`;
  return new SlipwayError(
    'STORE_UNAVAILABLE',
    `The data directory ${dataDir} is in use by another Slipway process (PID ${holder.pid}${where}, since ` +
      `${holder.since}): two processes on one embedded database would lose each other's writes. Stop that ` +
      `process first, or pass another --data-dir; to run several servers, use PostgreSQL (--database-url).` +
      remote,
    { data },
  );
}
