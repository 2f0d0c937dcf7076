/** The worker's identity file and default name. */
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { tempDataDir } from '../../../test/helpers/postgres.js';
import { SlipwayError } from '../../core/errors.js';
import { defaultWorkerName, readIdentity, WORKER_FILE, writeIdentity } from './worker-identity.js';

it('saves the identity with mode 0600 in a 0700 directory and reads it back', () => {
  const dir = join(tempDataDir(), 'data');
  assert.equal(readIdentity(dir), undefined);
  const identity = { server: 'http://x', id: 'Workers-1', name: 'w1', pool: 'linux', key: 'slwk_k' };
  const path = writeIdentity(dir, identity);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.deepEqual(readIdentity(dir), identity);
  writeFileSync(join(dir, WORKER_FILE), '{"not":"it"}');
  assert.throws(
    () => readIdentity(dir),
    (e) => e instanceof SlipwayError && e.code === 'CONFIG' && /register/.test(e.message),
  );
});

it('makes a valid worker name of any host name', () => {
  assert.equal(defaultWorkerName('build-7.example.com'), 'build-7.example.com');
  assert.equal(defaultWorkerName('my host (2)'), 'my-host--2-');
  assert.equal(defaultWorkerName('--x'), 'x');
  assert.equal(defaultWorkerName('日本'), 'worker');
  assert.equal(defaultWorkerName('a'.repeat(100)).length, 64);
});
