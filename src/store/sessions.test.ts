/** Sessions, passwords and the sign-in limiter on the real store (PGlite, and PostgreSQL when available). */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { apiKeysRepository, type User } from './api-keys.js';
import type { Store } from './database.js';
import { CURRENT_PARAMS, hashPassword, needsRehash, verifyPassword } from './password-hash.js';
import { passwordsRepository } from './passwords.js';
import { SESSION_IDLE_MS, SESSION_LIFETIME_MS, sessionEndsAt, sessionsRepository } from './sessions.js';
import { SIGN_IN_WINDOW_MS, signInLimiter, signInSubject } from './sign-in-limits.js';

const by = { actor: 'test', sourceIp: '10.1.2.3' };
const PASSWORD = 'a long enough password';

it('hashes with scrypt, its parameters and salt in the hash, and verifies in constant time', async () => {
  const a = await hashPassword(PASSWORD);
  const b = await hashPassword(PASSWORD);
  assert.match(a, /^scrypt\$N=32768,r=8,p=3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b, 'a fresh salt each time');
  assert.equal(await verifyPassword(PASSWORD, a), true);
  assert.equal(await verifyPassword(`${PASSWORD}!`, a), false);
  assert.equal(await verifyPassword(PASSWORD, 'not a hash'), false);
  assert.equal(needsRehash(a), false);
  const weak = await hashPassword(PASSWORD, { ...CURRENT_PARAMS, N: 1024 });
  assert.equal(await verifyPassword(PASSWORD, weak), true, 'old parameters still verify');
  assert.equal(needsRehash(weak), true);
});

forEachBackend('sessions and passwords', (backend) => {
  let store: Store;
  let clock = Date.parse('2031-05-01T08:00:00Z');
  const now = () => new Date(clock);
  let user: User;

  before(async () => {
    store = await backend.open();
    user = await apiKeysRepository(store.db).createUser({ name: 'Sam' }, by);
    await passwordsRepository(store.db).setPassword(user.id, PASSWORD, by);
  });

  it('stores only the token’s hash, slides with use and ends after the idle time or the lifetime', async () => {
    const sessions = sessionsRepository(store.db, now);
    const { token, session } = await sessions.start(user, 'password', by);
    const rows = JSON.stringify(await store.db.selectFrom('sessions').selectAll().execute());
    assert.ok(!rows.includes(token), 'the token is never stored');
    assert.equal(session.expiresAt.getTime(), clock + SESSION_LIFETIME_MS);
    assert.equal(sessionEndsAt(session).getTime(), clock + SESSION_IDLE_MS);
    clock += SESSION_IDLE_MS - 60_000;
    const found = await sessions.find(token);
    assert.ok(found.ok);
    assert.equal(sessionEndsAt(found.session).getTime(), clock + SESSION_IDLE_MS, 'slid');
    clock += SESSION_IDLE_MS;
    assert.deepEqual(await sessions.find(token), { ok: false, reason: 'idle' });
    const second = await sessions.start(user, 'password', by);
    for (let i = 0; i < 12; i++) {
      clock += SESSION_LIFETIME_MS / 12;
      const r = await sessions.find(second.token);
      if (i < 11) assert.ok(r.ok, `hour ${i + 1}`);
      else assert.deepEqual(r, { ok: false, reason: 'expired' });
    }
    assert.deepEqual(await sessions.find('short'), { ok: false, reason: 'malformed' });
    assert.ok((await sessions.prune()) >= 2);
  });

  it('checks passwords with one outcome per reason and ends other sessions on a change', async () => {
    const passwords = passwordsRepository(store.db);
    assert.equal((await passwords.checkPassword('sam', PASSWORD)).ok, true, 'names ignore case');
    assert.deepEqual(await passwords.checkPassword('nobody', PASSWORD), {
      ok: false,
      reason: 'unknown-user',
    });
    const wrong = await passwords.checkPassword('Sam', 'something else entirely');
    assert.equal(wrong.ok ? 'ok' : wrong.reason, 'wrong-password');
    const sessions = sessionsRepository(store.db, now);
    const keep = await sessions.start(user, 'password', by);
    const other = await sessions.start(user, 'password', by);
    assert.equal(await passwords.setPassword(user.id, 'the next password', by, keep.session.id), 1);
    assert.ok((await sessions.find(keep.token)).ok);
    assert.deepEqual(await sessions.find(other.token), { ok: false, reason: 'unknown' });
    await assert.rejects(passwords.setPassword(user.id, 'sam', by), /at least 12 characters.*user name/);
    const audit = JSON.stringify(await store.db.selectFrom('audit_events').selectAll().execute());
    assert.ok(
      !audit.includes('the next password') && !audit.includes('scrypt$'),
      'no password or hash audited',
    );
  });

  it('re-hashes a password made with weaker parameters at the next successful check', async () => {
    const weak = await hashPassword(PASSWORD, { ...CURRENT_PARAMS, N: 1024 });
    await store.db.updateTable('users').set({ password_hash: weak }).where('id', '=', user.id).execute();
    assert.equal((await passwordsRepository(store.db).checkPassword('Sam', PASSWORD)).ok, true);
    const row = await store.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.equal(needsRehash(row.password_hash ?? ''), false);
  });

  it('stops a disabled user’s sessions', async () => {
    const dora = await apiKeysRepository(store.db).createUser({ name: 'dora' }, by);
    const sessions = sessionsRepository(store.db, now);
    const { token } = await sessions.start(dora, 'password', by);
    assert.ok((await sessions.find(token)).ok);
    await apiKeysRepository(store.db).disableUser(dora.id, by);
    assert.deepEqual(await sessions.find(token), { ok: false, reason: 'user-disabled' });
  });

  it('limits failures per subject until the oldest leaves the window', async () => {
    const limiter = signInLimiter(store.db, now);
    const subject = signInSubject.user('Tess');
    const start = clock;
    for (let i = 0; i < 5; i++) {
      assert.equal(await limiter.blockedUntil([subject]), undefined);
      await limiter.fail([subject], by, { method: 'password', username: 'Tess', reason: 'wrong-password' });
      clock += 60_000;
    }
    assert.equal((await limiter.blockedUntil([subject]))?.getTime(), start + SIGN_IN_WINDOW_MS);
    clock = start + SIGN_IN_WINDOW_MS;
    assert.equal(await limiter.blockedUntil([subject]), undefined);
    await limiter.clear(subject);
    const address = signInSubject.address('10.9.9.9');
    for (let i = 0; i < 19; i++) await limiter.fail([address], by, { method: 'api-key', reason: 'unknown' });
    assert.equal(await limiter.blockedUntil([address]), undefined, 'an address is allowed 20');
    await limiter.fail([address], by, { method: 'api-key', reason: 'unknown' });
    assert.ok(await limiter.blockedUntil([address]));
  });
});
