import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import { forEachBackend, tempDataDir } from '../../test/helpers/postgres.js';
import {
  ADMIN_KEY_FILE,
  apiKeysRepository,
  ensureAdministrator,
  type ApiKeysRepository,
} from './api-keys.js';
import type { Store } from './database.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Database } from './types.js';

/** The secret part of `slw_<12 hex>_<secret>` (the secret itself may contain `_`). */
const secretOf = (key: string): string => key.slice('slw_'.length + 12 + 1);

const alice = { actor: 'alice', sourceIp: '10.0.0.7' };
const inAnHour = () => new Date(Date.now() + 3_600_000);

function code(expected: string, pattern?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof SlipwayError, String(e));
    assert.equal(e.code, expected, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}

async function auditText(db: Kysely<Database>): Promise<string> {
  return JSON.stringify(await db.selectFrom('audit_events').selectAll().execute());
}

forEachBackend('users and API keys', (backend) => {
  let store: Store;
  let repo: ApiKeysRepository;
  const issued: string[] = [];
  const newKey = async (userId: string, input: { name: string; expiresAt?: Date }) => {
    const k = await repo.createApiKey(userId, input, alice);
    issued.push(k.key);
    return k;
  };

  before(async () => {
    store = await backend.open();
    repo = apiKeysRepository(store.db);
  });

  it('migration 0002 is applied alongside 0001 and re-running is a no-op', async () => {
    const names = (
      await store.db.selectFrom('slipway_migrations').select('name').orderBy('name').execute()
    ).map((r) => r.name);
    assert.deepEqual(names.slice(0, 2), ['0001_foundation', '0002_users_and_api_keys']);
    assert.deepEqual(names, MIGRATIONS.map((m) => m.name).sort());
    assert.deepEqual(await migrate(store.db, MIGRATIONS), { applied: [] });
    for (const t of ['users', 'api_keys', 'spaces', 'environments']) {
      const r = await sql<{ t: string | null }>`select to_regclass(${t})::text as t`.execute(store.db);
      assert.equal(r.rows[0]?.t, t);
    }
  });

  it('creates users with case-insensitively unique names, audited', async () => {
    const u = await repo.createUser({ name: 'Bob' }, alice);
    assert.equal(u.isAdmin, false);
    assert.equal(u.disabledAt, null);
    assert.deepEqual(await repo.getUser(u.id), u);
    await assert.rejects(
      repo.createUser({ name: 'BOB' }, alice),
      code('ALREADY_EXISTS', /"BOB" already exists/),
    );
    await assert.rejects(repo.createUser({ name: ' x' }, alice), code('INVALID_INPUT', /user\.name/));
    const audit = await store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('entity_id', '=', u.id)
      .execute();
    assert.deepEqual(
      audit.map((a) => [a.action, a.entity_type, a.actor]),
      [['create', 'user', 'alice']],
    );
  });

  it('issues a key once, stores only its hash, and verifies it', async () => {
    const u = await repo.createUser({ name: 'carol' }, alice);
    const { id, key } = await newKey(u.id, { name: 'ci', expiresAt: inAnHour() });
    assert.match(key, /^slw_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const row = await store.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.notEqual(row.hash, key);
    assert.ok(!row.hash.includes(secretOf(key)));
    assert.equal(row.hash, createHash('sha256').update(key).digest('hex'));
    assert.equal(key.split('_')[1], row.prefix);

    const ok = await repo.verifyApiKey(key);
    assert.equal(ok?.keyId, id);
    assert.equal(ok?.user.id, u.id);
    assert.equal(ok?.user.name, 'carol');
    const [listed] = await repo.listApiKeys(u.id);
    assert.ok(listed?.lastUsedAt instanceof Date, 'last use is recorded');

    const list = await repo.listApiKeys(u.id);
    assert.deepEqual(Object.keys(list[0]!).sort(), [
      'createdAt',
      'expiresAt',
      'id',
      'lastUsedAt',
      'name',
      'prefix',
      'revokedAt',
      'userId',
    ]);
    assert.ok(!JSON.stringify(list).includes(secretOf(key)));
    assert.ok(!JSON.stringify(list).includes(row.hash));
  });

  it('refuses a wrong, malformed, expired or revoked key, or a disabled user, saying why only to the caller', async () => {
    const u = await repo.createUser({ name: 'dave' }, alice);
    const { id, key } = await newKey(u.id, { name: 'k' });
    const flipped = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    assert.equal(await repo.verifyApiKey(flipped), undefined);
    assert.deepEqual(await repo.checkApiKey(flipped), { ok: false, reason: 'unknown' });
    assert.deepEqual(await repo.checkApiKey('slw_000000000000_' + 'A'.repeat(43)), {
      ok: false,
      reason: 'unknown',
    });
    assert.deepEqual(await repo.checkApiKey('Bearer nonsense'), { ok: false, reason: 'malformed' });

    const exp = await newKey(u.id, { name: 'short-lived', expiresAt: inAnHour() });
    assert.ok(await repo.verifyApiKey(exp.key));
    await store.db
      .updateTable('api_keys')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', exp.id)
      .execute();
    assert.equal(await repo.verifyApiKey(exp.key), undefined);
    assert.deepEqual(await repo.checkApiKey(exp.key), { ok: false, reason: 'expired' });

    const revoked = await repo.revokeApiKey(id, alice);
    assert.ok(revoked.revokedAt instanceof Date);
    assert.equal(await repo.verifyApiKey(key), undefined);
    assert.deepEqual(await repo.checkApiKey(key), { ok: false, reason: 'revoked' });
    assert.deepEqual(await repo.revokeApiKey(id, alice), revoked, 'revoking twice changes nothing');
    await assert.rejects(repo.revokeApiKey('ApiKeys-nope', alice), code('NOT_FOUND'));

    const live = await newKey(u.id, { name: 'still-valid' });
    assert.ok(await repo.verifyApiKey(live.key));
    await repo.disableUser(u.id, alice);
    assert.equal(await repo.verifyApiKey(live.key), undefined);
    assert.deepEqual(await repo.checkApiKey(live.key), { ok: false, reason: 'user-disabled' });
  });

  it('validates key input', async () => {
    const u = await repo.createUser({ name: 'erin' }, alice);
    await assert.rejects(
      repo.createApiKey(u.id, { name: 'old', expiresAt: new Date(Date.now() - 1000) }, alice),
      code('INVALID_INPUT', /expiresAt must be in the future/),
    );
    await assert.rejects(repo.createApiKey(u.id, { name: '' }, alice), code('INVALID_INPUT', /name/));
    await assert.rejects(repo.createApiKey('Users-nope', { name: 'x' }, alice), code('NOT_FOUND'));
  });

  it('first start creates the administrator and one key, once, in a 0600 file', async () => {
    const fresh = await backend.open();
    const dataDir = tempDataDir();
    const first = await ensureAdministrator(fresh, { dataDir });
    assert.ok(first.key);
    const path = join(dataDir, ADMIN_KEY_FILE);
    assert.equal(readFileSync(path, 'utf8').trim(), first.key);
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
    const admin = await apiKeysRepository(fresh.db).verifyApiKey(first.key);
    assert.equal(admin?.user.name, 'admin');
    assert.equal(admin?.user.isAdmin, true);

    const second = await ensureAdministrator(fresh, { dataDir });
    assert.deepEqual(second, {});
    assert.equal((await fresh.db.selectFrom('users').select('id').execute()).length, 1);
    assert.equal((await fresh.db.selectFrom('api_keys').select('id').execute()).length, 1);
    assert.equal(readFileSync(path, 'utf8').trim(), first.key, 'the file is left alone');
    assert.ok(!(await auditText(fresh.db)).includes(first.key));
  });

  it('never writes a key or its hash into the audit log', async () => {
    const text = await auditText(store.db);
    const hashes = (await store.db.selectFrom('api_keys').select('hash').execute()).map((r) => r.hash);
    assert.ok(issued.length >= 4);
    for (const key of issued) {
      assert.ok(!text.includes(key));
      assert.ok(!text.includes(secretOf(key)));
    }
    for (const h of hashes) assert.ok(!text.includes(h));
    assert.ok(!text.includes('"hash"'));
  });
});
