/** The data directory's lock: one holder, named when refused; stale locks of dead processes taken over. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { SlipwayError } from '../core/errors.js';
import { tempDataDir } from '../../test/helpers/postgres.js';
import {
  LOCK_FILE,
  lockDataDir,
  processStartTime,
  REMOTE_STALE_MS,
  type LockHolder,
} from './data-dir-lock.js';

function locked(pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof SlipwayError, String(e));
    assert.equal(e.code, 'STORE_UNAVAILABLE');
    assert.equal(e.data.reason, 'locked');
    assert.match(e.message, pattern);
    return true;
  };
}

function writeLock(dir: string, holder: Partial<LockHolder>): void {
  const full = { host: hostname(), since: '2024-01-01T00:00:00.000Z', token: 'old', ...holder };
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify(full));
}

function holderOf(dir: string): LockHolder {
  return JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockHolder;
}

/** The PID of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

/** A live process that runs until its stdin closes. */
function sleeper() {
  const child = spawn(process.execPath, ['-e', 'process.stdin.resume()'], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return { pid: child.pid!, stop: async () => (child.stdin.end(), await exited) };
}

describe('data directory lock', () => {
  it('has one holder: a second taker in this process is refused until the first releases', async () => {
    const dir = tempDataDir();
    const lock = await lockDataDir(dir);
    assert.equal(holderOf(dir).pid, process.pid);
    await assert.rejects(
      lockDataDir(dir),
      locked(new RegExp(`This process \\(PID ${process.pid}\\) already`)),
    );
    lock.release();
    lock.release();
    assert.ok(!existsSync(join(dir, LOCK_FILE)));
    (await lockDataDir(dir)).release();
  });

  it('refuses while the process named in the lock runs, naming its PID; takes the lock once it is gone', async () => {
    const dir = tempDataDir();
    const other = sleeper();
    try {
      const start = processStartTime(other.pid);
      writeLock(dir, { pid: other.pid, ...(start ? { processStart: start } : {}) });
      await assert.rejects(
        lockDataDir(dir),
        locked(new RegExp(`in use by another Slipway process \\(PID ${other.pid}, since .*--data-dir`)),
      );
    } finally {
      await other.stop();
    }
    const lock = await lockDataDir(dir);
    assert.equal(holderOf(dir).pid, process.pid);
    lock.release();
  });

  it('takes over the lock of a process that died (kill -9 leaves it behind)', async () => {
    const dir = tempDataDir();
    writeLock(dir, { pid: deadPid() });
    const lock = await lockDataDir(dir);
    assert.equal(holderOf(dir).pid, process.pid);
    lock.release();
  });

  it('takes over a lock whose PID now belongs to another process (started at another time)', async (t) => {
    if (!processStartTime(process.pid)) return t.skip('no /proc start times on this system');
    const dir = tempDataDir();
    const other = sleeper();
    try {
      writeLock(dir, { pid: other.pid, processStart: '1' });
      const lock = await lockDataDir(dir);
      assert.equal(holderOf(dir).pid, process.pid);
      lock.release();
    } finally {
      await other.stop();
    }
  });

  it('takes over a lock naming its own PID that it does not hold (PID 1 in a restarted container)', async () => {
    const dir = tempDataDir();
    writeLock(dir, { pid: process.pid, token: 'earlier-life' });
    const lock = await lockDataDir(dir);
    assert.notEqual(holderOf(dir).token, 'earlier-life');
    lock.release();
  });

  it('refuses a lock from another host while its holder touches it; takes it over once it stops', async () => {
    const dir = tempDataDir();
    writeLock(dir, { pid: 4242, host: 'elsewhere.example' });
    await assert.rejects(
      lockDataDir(dir),
      locked(/PID 4242 on host elsewhere\.example.*touched less than 60 s ago.*delete .*slipway\.lock/),
    );
    const untouched = new Date(Date.now() - REMOTE_STALE_MS - 1000);
    utimesSync(join(dir, LOCK_FILE), untouched, untouched);
    const lock = await lockDataDir(dir);
    assert.equal(holderOf(dir).host, hostname());
    lock.release();
  });

  it('is touched while held, so openers on other hosts see its holder runs', async () => {
    const dir = tempDataDir();
    const lock = await lockDataDir(dir, 10);
    try {
      const old = new Date(Date.now() - REMOTE_STALE_MS - 1000);
      utimesSync(join(dir, LOCK_FILE), old, old);
      while (statSync(join(dir, LOCK_FILE)).mtimeMs <= old.getTime()) {
        await new Promise((done) => setTimeout(done, 10));
      }
    } finally {
      lock.release();
    }
  });

  it('refuses a lock file it cannot read, rather than guessing', async () => {
    const dir = tempDataDir();
    writeFileSync(join(dir, LOCK_FILE), 'not json');
    await assert.rejects(lockDataDir(dir), locked(/not one Slipway wrote.*If none does, delete the file/));
  });

  it('of several processes racing for a stale lock, exactly one wins', async () => {
    const dir = tempDataDir();
    writeLock(dir, { pid: deadPid() });
    const module = resolve(import.meta.dirname, 'data-dir-lock.ts');
    // Each child loads the module, says it is ready, and on "go" tries once, says whether it won,
    // and holds what it got until its stdin closes: all of them try at the same moment.
    const script = `
      const { lockDataDir } = await import(${JSON.stringify(module)});
      const { createInterface } = await import('node:readline');
      const lines = createInterface({ input: process.stdin });
      console.log('ready');
      lines.once('line', async () => {
        try { await lockDataDir(${JSON.stringify(dir)}); console.log('won'); }
        catch (e) { console.log(e.data?.reason === 'locked' ? 'refused' : 'error ' + e.message); }
      });`;
    const children = Array.from({ length: 6 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const lines = createInterface({ input: child.stdout });
      const next = () => new Promise<string>((done) => lines.once('line', done));
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      return { child, next, exited };
    });
    try {
      await Promise.all(children.map(async (c) => assert.equal(await c.next(), 'ready')));
      const answers = await Promise.all(
        children.map((c) => {
          const answer = c.next();
          c.child.stdin.write('go\n');
          return answer;
        }),
      );
      assert.equal(answers.filter((a) => a === 'won').length, 1, answers.join(', '));
      assert.deepEqual(
        answers.filter((a) => a !== 'won' && a !== 'refused'),
        [],
      );
    } finally {
      for (const c of children) c.child.stdin.end();
      await Promise.all(children.map((c) => c.exited));
    }
  });
});
