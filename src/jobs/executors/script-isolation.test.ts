import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
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
    const iso = await resolveScriptIsolation({ asServerUser: true });
    assert.equal(iso.mode, 'server-user');
    // What scripts can use is found at start, for this process's own user.
    assert.equal(iso.tools?.node?.path, process.execPath);
    assert.ok(iso.tools?.bash, 'bash');
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
    const at = c.args.lastIndexOf('setpriv');
    assert.ok(at > c.args.indexOf('--pid'), 'unshare runs before the privileges are dropped');
    assert.deepEqual(c.args.slice(at, at + 8), [
      'setpriv',
      // Again after the namespace: the kernel clears the death signal when the user changes.
      '--pdeathsig',
      'SIGKILL',
      '--reuid=999',
      '--regid=995',
      '--clear-groups',
      '--no-new-privs',
      '--',
    ]);
    // A small init runs the script (an init that is the script itself would ignore a cancel's SIGTERM).
    assert.deepEqual(c.args.slice(at + 8, at + 10), ['sh', '-c']);
    assert.deepEqual(c.args.slice(-3), ['sh', 'bash', 's.sh']);
    const plain = isolatedCommand({ ...iso, pidNamespace: false }, 'bash', ['s.sh']);
    assert.equal(plain.command, 'setpriv');
    assert.deepEqual(plain.args, [
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

  it('an isolated script and every process it started die with the server, even by kill -9', async (t) => {
    if (why) return t.skip(why);
    const iso = await resolveScriptIsolation();
    if (iso.mode !== 'user' || !iso.pidNamespace)
      return t.skip('no PID namespace here: only the script itself dies');
    const mark = `slipway-iso-dies-${process.pid}`;
    const c = isolatedCommand(iso, 'bash', ['-c', 'sleep 3600 & wait']);
    // A stand-in for the server: spawns the script as run-script.ts does, then idles.
    const server = spawn(
      process.execPath,
      [
        '-e',
        `require('node:child_process').spawn(${JSON.stringify(c.command)}, ${JSON.stringify(c.args)}, ` +
          `{ detached: true, stdio: 'ignore', env: { PATH: process.env.PATH, MARK: ${JSON.stringify(mark)} } });` +
          'setInterval(() => {}, 1000);',
      ],
      { stdio: 'ignore' },
    );
    const marked = () =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return readFileSync(`/proc/${p}/environ`, 'latin1').includes(mark);
          } catch {
            return false;
          }
        });
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
    };
    try {
      await until(() => marked().length >= 3); // the init, bash and sleep
      assert.ok(marked().length >= 3, `the script and its child run: ${marked().join(' ')}`);
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGKILL');
      await exited;
      await until(() => marked().length === 0);
      assert.deepEqual(marked(), [], 'processes of the script outlived the server');
    } finally {
      server.kill('SIGKILL');
      for (const pid of marked()) process.kill(Number(pid), 'SIGKILL');
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
