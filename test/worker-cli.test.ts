/** `slipway worker` refusing to start: not registered, registered differently, an unknown server. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { it } from 'node:test';
import { tempDataDir } from './helpers/postgres.js';
import { writeIdentity } from '../src/cli/worker/worker-identity.js';
import { scriptServerFlags } from './kits/scripts.js';

const BIN = resolve(import.meta.dirname, '../src/cli/bin.ts');

async function worker(args: string[]) {
  const flags = (await scriptServerFlags()).length > 0 ? ['--scripts-as-worker-user'] : [];
  const r = spawnSync(process.execPath, ['--import', 'tsx', BIN, 'worker', ...flags, ...args], {
    encoding: 'utf8',
    env: { ...process.env, SLIPWAY_WORKER_TOKEN: '' },
  });
  return { code: r.status, stderr: r.stderr };
}

it('needs a token and a pool to register, and says where to get a token', async () => {
  const dir = tempDataDir();
  const r = await worker(['--server', 'http://127.0.0.1:9', '--data-dir', dir, '--pool', 'linux']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(
    r.stderr,
    /error \[USAGE\]: This worker is not registered yet .*--token .*POST \/api\/worker-tokens/,
  );
});

it('refuses a pool other than the one it registered in, and a bad pool name', async () => {
  const dir = tempDataDir();
  writeIdentity(dir, {
    server: 'http://127.0.0.1:9',
    id: 'Workers-1',
    name: 'w1',
    pool: 'linux',
    key: 'slwk_x',
  });
  const r = await worker(['--server', 'http://127.0.0.1:9', '--data-dir', dir, '--pool', 'windows']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /registered as "w1" in pool "linux" .* --pool says "windows"/);
  const bad = await worker(['--data-dir', dir, '--pool', 'not a pool']);
  assert.equal(bad.code, 3, bad.stderr);
  assert.match(bad.stderr, /--pool must be up to 64 letters/);
});

it('cannot register with a server that is not there, and says so', async () => {
  const dir = tempDataDir();
  const r = await worker([
    '--server',
    'http://127.0.0.1:9',
    '--data-dir',
    dir,
    '--pool',
    'linux',
    '--token',
    'slwr_x',
  ]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /Cannot reach the Slipway server at http:\/\/127\.0\.0\.1:9/);
});
