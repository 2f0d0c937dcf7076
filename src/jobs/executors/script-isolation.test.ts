import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { SlipwayError } from '../../core/errors.js';
import {
  DEFAULT_SCRIPT_USER,
  isolatedCommand,
  removeOrphanScriptDirs,
  resolveScriptIsolation,
  scriptDirPrefix,
  type ScriptIsolation,
} from './script-isolation.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const hasUser = spawnSync('id', ['-u', DEFAULT_SCRIPT_USER]).status === 0;
const why = !isRoot
  ? 'needs root (the server switches users only as root)'
  : !hasUser
    ? `needs the ${DEFAULT_SCRIPT_USER} user (bash scripts/install-script-user.sh)`
    : undefined;

describe('script isolation', () => {
  it('runs scripts as the server user only when the administrator says so', async () => {
    assert.deepEqual(await resolveScriptIsolation({ asServerUser: true }), { mode: 'server-user' });
  });

  it('refuses, naming the user and what to do, when the script user does not exist', async (t) => {
    if (!isRoot) return t.skip('needs root');
    const iso = await resolveScriptIsolation({ user: 'slipway-no-such-user' });
    assert.equal(iso.mode, 'refused');
    assert.match((iso as { reason: string }).reason, /"slipway-no-such-user" .* does not exist/);
    assert.match((iso as { reason: string }).reason, /install-script-user\.sh/);
    assert.throws(
      () => isolatedCommand(iso, 'bash', ['x.sh']),
      (e) => e instanceof SlipwayError && e.code === 'SCRIPT_REFUSED',
    );
  });

  it('wraps the command: namespaces first (as root), then the drop to the user', () => {
    const iso: ScriptIsolation = { mode: 'user', user: 'u', uid: 999, gid: 995, pidNamespace: true };
    const c = isolatedCommand(iso, 'bash', ['s.sh']);
    assert.equal(c.command, 'setpriv');
    assert.deepEqual(c.args.slice(0, 2), ['--pdeathsig', 'SIGKILL'], 'the script dies with the server');
    const at = c.args.indexOf('--reuid=999') - 1;
    assert.ok(at > c.args.indexOf('--pid'), 'unshare runs before the privileges are dropped');
    assert.deepEqual(c.args.slice(at, at + 10), [
      'setpriv',
      '--reuid=999',
      '--regid=995',
      '--clear-groups',
      '--no-new-privs',
      '--',
      // The drop clears the parent-death signal: it is set again as the user.
      'setpriv',
      '--pdeathsig',
      'SIGKILL',
      '--',
    ]);
    // A small init runs the script (an init that is the script itself would ignore a cancel's SIGTERM).
    assert.deepEqual(c.args.slice(at + 10, at + 12), ['sh', '-c']);
    assert.deepEqual(c.args.slice(-3), ['sh', 'bash', 's.sh']);
    const plain = isolatedCommand({ ...iso, pidNamespace: false }, 'bash', ['s.sh']);
    assert.equal(plain.command, 'setpriv');
    assert.deepEqual(plain.args, [
      '--reuid=999',
      '--regid=995',
      '--clear-groups',
      '--no-new-privs',
      '--',
      'setpriv',
      '--pdeathsig',
      'SIGKILL',
      '--',
      'bash',
      's.sh',
    ]);
    assert.deepEqual(isolatedCommand({ mode: 'server-user' }, 'bash', ['s.sh']), {
      command: 'bash',
      args: ['s.sh'],
    });
  });

  it('an isolated script cannot read the server process, its files or its environment', async (t) => {
    if (why) return t.skip(why);
    const iso = await resolveScriptIsolation();
    assert.equal(iso.mode, 'user');
    // A secret only the server has: a root-owned 0600 file in a 0700 directory, and its environment.
    const dataDir = await mkdtemp(join(tmpdir(), 'slipway-iso-data-'));
    await writeFile(join(dataDir, 'master.key'), 'the-master-key', { mode: 0o600 });
    const probe = [
      'id -u',
      `cat /proc/${process.pid}/environ 2>/dev/null && echo READ-ENVIRON`,
      `cat /proc/${process.pid}/cmdline 2>/dev/null && echo READ-CMDLINE`,
      `cat ${join(dataDir, 'master.key')} 2>/dev/null && echo READ-KEY`,
      `ls ${dataDir} 2>/dev/null && echo LISTED-DATA-DIR`,
      'true',
    ].join('; ');
    const c = isolatedCommand(iso, 'bash', ['-c', probe]);
    const { stdout } = await run(c.command, c.args, { env: { PATH: process.env['PATH'] ?? '' } });
    try {
      const uid = Number(stdout.split('\n')[0]);
      assert.equal(uid, (iso as { uid: number }).uid);
      assert.notEqual(uid, 0);
      assert.doesNotMatch(stdout, /READ-ENVIRON|READ-KEY|LISTED-DATA-DIR|the-master-key/);
      // In its own PID namespace the server's process is not even there to look at.
      if ((iso as { pidNamespace: boolean }).pidNamespace) assert.doesNotMatch(stdout, /READ-CMDLINE/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('an isolated script dies with its host killed by SIGKILL, with what it started in its namespace', async (t) => {
    if (why) return t.skip(why);
    const iso = await resolveScriptIsolation();
    assert.equal(iso.mode, 'user');
    // A unique sleep to find in the process table: the script's own, and one it leaves in the background.
    const marker = `${3000 + Math.floor(Math.random() * 1000)}.${process.pid}`;
    const c = isolatedCommand(iso, 'bash', ['-c', `sleep ${marker} & sleep ${marker}1; wait`]);
    // The host: a shell that starts the isolated command and waits, killed with SIGKILL.
    const host = spawn('bash', ['-c', '"$@" & wait', 'host', c.command, ...c.args], { stdio: 'ignore' });
    const sleepers = async () => {
      const found: number[] = [];
      for (const pid of await readdir('/proc')) {
        if (!/^\d+$/.test(pid)) continue;
        const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
        if (cmdline.startsWith(`sleep\0${marker}`)) found.push(Number(pid));
      }
      return found;
    };
    const until = async (done: (n: number) => boolean, what: string) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const n = (await sleepers()).length;
        if (done(n)) return;
        assert.ok(Date.now() < deadline, `${what}: ${n} sleeping`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await until((n) => n === 2, 'the script never started both sleeps');
      host.kill('SIGKILL');
      const withNamespace = (iso as { pidNamespace: boolean }).pidNamespace;
      // Without a PID namespace only the script itself is bound to its host.
      await until((n) => n === (withNamespace ? 0 : 1), 'the script outlived its host');
    } finally {
      for (const pid of await sleepers()) process.kill(pid, 'SIGKILL');
    }
  });

  it('removes the script directories of servers that died, and only those', async () => {
    const root = await mkdtemp(join(tmpdir(), 'slipway-iso-root-'));
    try {
      const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
      await mkdir(join(root, `${scriptDirPrefix(dead)}abc`));
      await writeFile(join(root, `${scriptDirPrefix(dead)}abc`, 'variables.json'), '{"Secret":"x"}');
      await mkdir(join(root, `${scriptDirPrefix()}mine`));
      await mkdir(join(root, 'someone-else'));
      assert.deepEqual(await removeOrphanScriptDirs(root), [`${scriptDirPrefix(dead)}abc`]);
      assert.deepEqual((await readdir(root)).sort(), [`${scriptDirPrefix()}mine`, 'someone-else'].sort());
      assert.deepEqual(await removeOrphanScriptDirs(join(root, 'missing')), []);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
