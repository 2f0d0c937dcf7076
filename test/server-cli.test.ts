/** `slipway server` as a user runs it: a child process, its key and URL on stderr, SIGTERM. */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { tempDataDir } from './helpers/postgres.js';

const BIN = resolve(import.meta.dirname, '../src/cli/bin.ts');
const KEY = /slw_[0-9a-f]{12}_[A-Za-z0-9_-]{43}/;
const URL_LINE = /listening on (http:\/\/\S+)/;

interface Started {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts the server and resolves once it prints its URL (or rejects with its stderr). */
function start(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'server', ...args], { stdio: 'pipe' });
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stdout.resume(); // the request log; drained so the child never blocks on it
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`no URL within 60 s: ${err}`));
    }, 60_000);
    child.stderr.on('data', (chunk: string) => {
      err += chunk;
      const url = URL_LINE.exec(err)?.[1];
      if (url) {
        clearTimeout(timer);
        ok({ child, url, stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(Object.assign(new Error(`exited ${code}: ${err}`), { code, stderr: err }));
    });
  });
}

/** Runs a `slipway` command to its end. */
function slipway(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', BIN, ...args], { encoding: 'utf8' });
}

/** A start that must fail: its exit code and stderr. */
async function refusedStart(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const started = await start(args);
    started.child.kill('SIGKILL');
    await started.exited;
  } catch (e) {
    return e as { code: number; stderr: string };
  }
  assert.fail(`the server started: ${args.join(' ')}`);
}

/** Stops a server with SIGTERM and checks it stopped cleanly. */
async function stop(server: Started): Promise<void> {
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0, server.stderr());
}

/** A loopback port held by this test until `close`. */
async function occupiedPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return { port, close: () => new Promise<void>((done) => server.close(() => done())) };
}

describe('slipway server', () => {
  it('prints the first key once, serves with it, and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDataDir();
    const first = await start(['--port', '0', '--data-dir', dataDir]);
    try {
      const key = KEY.exec(first.stderr())?.[0];
      assert.ok(key, first.stderr());
      const file = join(dataDir, 'admin-api-key');
      assert.ok(first.stderr().includes(file));
      assert.equal(statSync(file).mode & 0o777, 0o600);

      const url = `${first.url}/api/spaces/Default/environments`;
      const ok = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(ok.status, 200, await ok.text());
      const anon = await fetch(url);
      assert.equal(anon.status, 401);
      assert.equal(((await anon.json()) as { code: string }).code, 'UNAUTHENTICATED');

      // A second server on the same port fails clearly, before it touches its data directory.
      const otherDir = tempDataDir();
      await assert.rejects(
        start(['--port', new URL(first.url).port, '--data-dir', otherDir]),
        (e: { code: number; stderr: string }) =>
          e.code === 3 && /error \[SERVER_START_FAILED\]: Port \d+ on 127\.0\.0\.1 is in use/.test(e.stderr),
      );
      assert.deepEqual(readdirSync(otherDir), [], 'a server that cannot listen creates nothing');
    } finally {
      first.child.kill('SIGTERM');
    }
    assert.equal(await first.exited, 0, first.stderr());
    assert.match(first.stderr(), /server stopped/);

    const second = await start(['--port', '0', '--data-dir', dataDir]);
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0, second.stderr());
    assert.doesNotMatch(second.stderr(), KEY);
    assert.doesNotMatch(second.stderr(), /Created the administrator/);
  });

  it('--sandbox starts the embedded AWS sandbox beside the API and stops it with the server', async () => {
    const dataDir = tempDataDir();
    const started = await start(['--port', '0', '--data-dir', dataDir, '--sandbox', '--sandbox-port', '0']);
    let sandboxUrl: string | undefined;
    try {
      sandboxUrl = /AWS sandbox listening on (http:\/\/\S+):/.exec(started.stderr())?.[1];
      assert.ok(sandboxUrl, started.stderr());
      const health = await fetch(`${sandboxUrl}/_sandbox/health`);
      assert.equal(health.status, 200);
    } finally {
      started.child.kill('SIGTERM');
    }
    assert.equal(await started.exited, 0, started.stderr());
    await assert.rejects(fetch(`${sandboxUrl}/_sandbox/health`));
  });

  it('master-key rotate re-keys the data directory and says what to do next', async () => {
    const dataDir = tempDataDir();
    const first = await start(['--port', '0', '--data-dir', dataDir]);
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0, first.stderr());
    const before = readFileSync(join(dataDir, 'master.key'), 'utf8');
    const rotate = spawnSync(
      process.execPath,
      ['--import', 'tsx', BIN, 'master-key', 'rotate', '--data-dir', dataDir],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(rotate.status, 0, rotate.stderr);
    assert.match(rotate.stderr, /Re-encrypted \d+ secrets? from key [0-9a-f]{8} to [0-9a-f]{8}/);
    assert.match(rotate.stderr, /Restart every server/);
    assert.notEqual(readFileSync(join(dataDir, 'master.key'), 'utf8'), before);
  });

  it('--sandbox-port in use names --sandbox-port, and nothing is created', async () => {
    const held = await occupiedPort();
    try {
      const dataDir = tempDataDir();
      const refused = await refusedStart([
        ...['--port', '0', '--data-dir', dataDir, '--sandbox', '--sandbox-port', String(held.port)],
      ]);
      assert.equal(refused.code, 3, refused.stderr);
      assert.match(
        refused.stderr,
        new RegExp(`Port ${held.port} .* is in use\\. Pick another with --sandbox-port`),
      );
      assert.deepEqual(readdirSync(dataDir), []);
    } finally {
      await held.close();
    }
  });
});

describe('slipway server: one process per data directory', () => {
  it('refuses a second server on the data directory, naming the PID that holds it; after a kill -9 the next start works', async () => {
    const dataDir = tempDataDir();
    const first = await start(['--port', '0', '--data-dir', dataDir]);
    const pid = first.child.pid!;
    try {
      for (let i = 0; i < 2; i++) {
        const second = await refusedStart(['--port', '0', '--data-dir', dataDir]);
        assert.equal(second.code, 3, second.stderr);
        assert.match(second.stderr, /error \[STORE_UNAVAILABLE\]: The data directory .* is in use/);
        assert.match(second.stderr, new RegExp(`PID ${pid}\\b`));
      }
      const key = KEY.exec(first.stderr())![0];
      const health = await fetch(`${first.url}/api/spaces/Default/environments`, {
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(health.status, 200, 'the refused starts left the first server alone');
    } finally {
      first.child.kill('SIGKILL');
    }
    await first.exited;
    // The dead server's lock names a PID that no longer runs: the next start takes the directory over.
    const next = await start(['--port', '0', '--data-dir', dataDir]);
    assert.doesNotMatch(next.stderr(), /Created the administrator/);
    await stop(next);
  });

  it('master-key rotate refuses while a server holds the data directory, and leaves the key alone', async () => {
    const dataDir = tempDataDir();
    const server = await start(['--port', '0', '--data-dir', dataDir]);
    try {
      const before = readFileSync(join(dataDir, 'master.key'), 'utf8');
      const rotate = slipway(['master-key', 'rotate', '--data-dir', dataDir]);
      assert.equal(rotate.status, 3, rotate.stderr);
      assert.match(rotate.stderr, new RegExp(`STORE_UNAVAILABLE.*PID ${server.child.pid}\\b`));
      assert.equal(readFileSync(join(dataDir, 'master.key'), 'utf8'), before);
      assert.ok(!existsSync(join(dataDir, 'master.key.next')));
    } finally {
      await stop(server);
    }
  });

  it('refuses to start over a database whose files are gone, and keeps admin-api-key', async () => {
    const dataDir = tempDataDir();
    await stop(await start(['--port', '0', '--data-dir', dataDir]));
    const adminKey = readFileSync(join(dataDir, 'admin-api-key'), 'utf8');
    rmSync(join(dataDir, 'db', 'PG_VERSION'));
    const refused = await refusedStart(['--port', '0', '--data-dir', dataDir]);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /error \[STORE_UNAVAILABLE\]: .*PG_VERSION/);
    assert.doesNotMatch(refused.stderr, KEY);
    assert.equal(readFileSync(join(dataDir, 'admin-api-key'), 'utf8'), adminKey);
  });

  it('refuses to replace a missing master.key over stored secrets, naming the key id it needs', async () => {
    const dataDir = tempDataDir();
    const server = await start(['--port', '0', '--data-dir', dataDir]);
    try {
      const key = KEY.exec(server.stderr())![0];
      const created = await fetch(`${server.url}/api/spaces/Default/feeds`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Hub',
          type: 'docker',
          url: 'http://127.0.0.1:5000',
          username: 'ci',
          password: 'registry-password',
        }),
      });
      assert.equal(created.status, 201, await created.text());
    } finally {
      await stop(server);
    }
    const keyFile = join(dataDir, 'master.key');
    const keyId = createHash('sha256')
      .update(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64'))
      .digest('hex')
      .slice(0, 8);
    rmSync(keyFile);
    const refused = await refusedStart(['--port', '0', '--data-dir', dataDir]);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /error \[CONFIG\]: .*master\.key is missing/);
    assert.match(refused.stderr, new RegExp(`key ${keyId}\\b`));
    assert.ok(!existsSync(keyFile), 'no new key was made');
  });
});
