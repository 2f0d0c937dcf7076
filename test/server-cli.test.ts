/** `slipway server` as a user runs it: a child process, its key and URL on stderr, SIGTERM. */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
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

      // A second server on the same port fails clearly (own data dir: one PGlite per directory).
      await assert.rejects(
        start(['--port', new URL(first.url).port, '--data-dir', tempDataDir()]),
        (e: { code: number; stderr: string }) =>
          e.code === 3 && /error \[SERVER_START_FAILED\]: Port \d+ on 127\.0\.0\.1 is in use/.test(e.stderr),
      );
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
});
