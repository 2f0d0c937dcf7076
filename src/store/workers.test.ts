/** Workers and registration tokens: hashed at rest, checked in constant time, pools, disable, remove, audit. */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { SlipwayError } from '../core/errors.js';
import type { Store } from './database.js';
import { workersRepository, type WorkersRepository } from './workers.js';

const admin = { actor: 'admin', sourceIp: '10.0.0.1' };
const worker = { actor: 'worker w1' };
const registration = (over: Record<string, string> = {}) => ({
  name: 'w1',
  pool: 'linux',
  version: '0.1.0',
  ...over,
});

function code(expected: string, pattern?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof SlipwayError, String(e));
    assert.equal(e.code, expected, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}

forEachBackend('workers and registration tokens', (backend) => {
  let store: Store;
  let repo: WorkersRepository;
  const secrets: string[] = [];

  before(async () => {
    store = await backend.open();
    repo = workersRepository(store.db);
  });

  it('creates a token shown once, stores only its hash, and checks it', async () => {
    const { info, token } = await repo.createToken({ name: 'fleet' }, admin);
    secrets.push(token);
    assert.match(token, /^slwr_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    assert.equal(info.pool, null);
    // Default expiry: a day from now.
    const hours = (info.expiresAt.getTime() - Date.now()) / 3_600_000;
    assert.ok(hours > 23.9 && hours <= 24, String(hours));
    const check = await repo.checkToken(token);
    assert.ok(check.ok);
    assert.equal(check.token.id, info.id);
    assert.deepEqual(await repo.checkToken(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')), {
      ok: false,
      reason: 'unknown',
    });
    assert.deepEqual(await repo.checkToken('slwk' + token.slice(4)), { ok: false, reason: 'malformed' });
    assert.deepEqual(await repo.checkToken('nonsense'), { ok: false, reason: 'malformed' });
    assert.deepEqual(
      (await repo.listTokens()).map((t) => t.name),
      ['fleet'],
    );
  });

  it('refuses expired and revoked tokens, and an expiry in the past', async () => {
    const { info, token } = await repo.createToken({ name: 'short' }, admin);
    secrets.push(token);
    await store.db
      .updateTable('worker_registration_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', info.id)
      .execute();
    assert.deepEqual(await repo.checkToken(token), { ok: false, reason: 'expired' });
    const other = await repo.createToken({ name: 'revoked' }, admin);
    secrets.push(other.token);
    await repo.revokeToken(other.info.id, admin);
    assert.deepEqual(await repo.checkToken(other.token), { ok: false, reason: 'revoked' });
    // Revoking twice changes nothing.
    assert.ok((await repo.revokeToken(other.info.id, admin)).revokedAt);
    await assert.rejects(repo.revokeToken('WorkerTokens-nope', admin), code('NOT_FOUND'));
    await assert.rejects(
      repo.createToken({ name: 'past', expiresAt: new Date(Date.now() - 1) }, admin),
      code('INVALID_INPUT', /future/),
    );
  });

  it('registers a worker with its own hashed key, in the token’s pool only, names unique', async () => {
    const { info, token } = await repo.createToken({ name: 'linux only', pool: 'linux' }, admin);
    secrets.push(token);
    await assert.rejects(
      repo.register(info, registration({ pool: 'windows' }), worker),
      code('FORBIDDEN', /pool "linux" only/),
    );
    const { worker: w, key } = await repo.register(info, registration({ hostname: 'build-7' }), worker);
    secrets.push(key);
    assert.match(key, /^slwk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    assert.equal(w.pool, 'linux');
    assert.equal(w.hostname, 'build-7');
    assert.equal(w.online, true);
    await assert.rejects(
      repo.register(info, registration({ name: 'W1' }), worker),
      code('ALREADY_EXISTS', /w1/i),
    );

    const check = await repo.checkWorkerKey(key);
    assert.ok(check.ok);
    assert.equal(check.worker.id, w.id);
    // A registration token is not a worker key, nor the other way round.
    assert.equal((await repo.checkWorkerKey(token)).ok, false);
    assert.equal((await repo.checkToken(key)).ok, false);
    assert.equal(await repo.onlineInPool('linux'), 1);
    assert.equal(await repo.onlineInPool('windows'), 0);
  });

  it('counts only enabled workers seen recently as online', async () => {
    const { info, token } = await repo.createToken({ name: 'any' }, admin);
    secrets.push(token);
    const a = await repo.register(info, registration({ name: 'a', pool: 'gpu' }), worker);
    const b = await repo.register(info, registration({ name: 'b', pool: 'gpu' }), worker);
    secrets.push(a.key, b.key);
    assert.equal(await repo.onlineInPool('gpu'), 2);
    await repo.setDisabled(a.worker.id, true, admin);
    assert.equal(await repo.onlineInPool('gpu'), 1);
    await store.db
      .updateTable('workers')
      .set({ last_seen_at: sql<Date>`now() - interval '5 minutes'` })
      .where('id', '=', b.worker.id)
      .execute();
    assert.equal(await repo.onlineInPool('gpu'), 0);
    const listed = await repo.list({ pool: 'gpu' });
    assert.deepEqual(
      listed.map((w) => [w.name, w.online, w.disabledAt !== null]),
      [
        ['a', true, true],
        ['b', false, false],
      ],
    );
    // A disabled worker still authenticates (it must finish its task); being seen brings b back.
    assert.ok((await repo.checkWorkerKey(a.key)).ok);
    assert.ok((await repo.checkWorkerKey(b.key)).ok);
    assert.equal(await repo.onlineInPool('gpu'), 1);
    await repo.setDisabled(a.worker.id, false, admin);
    assert.equal(await repo.onlineInPool('gpu'), 2);
  });

  it('removes a worker: its key stops working at once', async () => {
    const { info, token } = await repo.createToken({ name: 'removal' }, admin);
    secrets.push(token);
    const { worker: w, key } = await repo.register(info, registration({ name: 'gone', pool: 'tmp' }), worker);
    secrets.push(key);
    await repo.remove(w.id, admin);
    assert.deepEqual(await repo.checkWorkerKey(key), { ok: false, reason: 'unknown' });
    await assert.rejects(repo.getWorker(w.id), code('NOT_FOUND'));
    await assert.rejects(repo.remove(w.id, admin), code('NOT_FOUND'));
  });

  it('keeps every token and key out of the database and the audit log', async () => {
    const tables = ['worker_registration_tokens', 'workers', 'audit_events'] as const;
    let text = '';
    for (const table of tables)
      text += JSON.stringify(await store.db.selectFrom(table).selectAll().execute());
    assert.ok(secrets.length >= 8);
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), 'a token or key is stored');
      assert.ok(!text.includes(secret.slice(18)), 'the secret part of a token or key is stored');
    }
    const audit = await store.db
      .selectFrom('audit_events')
      .select(['entity_type', 'action', 'actor'])
      .where('entity_type', 'in', ['worker', 'worker-registration-token'])
      .execute();
    assert.ok(
      audit.some((a) => a.entity_type === 'worker' && a.action === 'create' && a.actor === 'worker w1'),
    );
    assert.ok(audit.some((a) => a.entity_type === 'worker' && a.action === 'delete' && a.actor === 'admin'));
    assert.ok(audit.some((a) => a.entity_type === 'worker-registration-token' && a.action === 'update'));
  });
});
