/** Sign-in sessions (POST/GET/DELETE /api/session), cookie auth with CSRF, limiting and expiry, through inject. */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { tempDataDir } from '../../test/helpers/postgres.js';
import { testSecrets } from '../../test/kits/secrets.js';
import { ADMIN_PASSWORD_FILE, ensureAdministrator } from '../store/api-keys.js';
import { openStore, type Store } from '../store/database.js';
import { SIGN_IN_REJECTED_MESSAGE } from '../store/passwords.js';
import { buildServer } from './app.js';

interface SessionJson {
  user: { id: string; name: string; isAdmin: boolean };
  csrfToken: string;
  expiresAt: string;
}
interface ErrorJson {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

const HOUR = 3_600_000;
const PASSWORD = 'correct horse battery';

describe('sessions', () => {
  let store: Store;
  let app: FastifyInstance;
  let dataDir: string;
  let adminKey: string;
  let adminPassword: string;
  let clock = Date.parse('2030-01-01T00:00:00Z');
  let address = 0;
  // Every test signs in from its own address, so the per-address limit of one does not reach another.
  const nextAddress = () => `10.0.0.${++address}`;

  const as = (key: string, options: InjectOptions) =>
    app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${key}` } });
  const withCookie = (cookie: string, options: InjectOptions, csrf?: string) =>
    app.inject({
      ...options,
      headers: { ...options.headers, cookie, ...(csrf === undefined ? {} : { 'x-slipway-csrf': csrf }) },
    });
  const ok = <T>(res: LightMyRequestResponse, status = 200): T => {
    assert.equal(res.statusCode, status, res.body);
    return res.json<T>();
  };
  const refused = (res: LightMyRequestResponse, status: number, code: string): ErrorJson => {
    assert.equal(res.statusCode, status, res.body);
    const body = res.json<ErrorJson>();
    assert.equal(body.code, code);
    return body;
  };
  const cookieOf = (res: LightMyRequestResponse): string => {
    const header = res.headers['set-cookie'];
    assert.equal(typeof header, 'string', 'one Set-Cookie header');
    return (header as string).split(';')[0]!;
  };
  async function signIn(body: object, remoteAddress = nextAddress()) {
    const res = await app.inject({ method: 'POST', url: '/api/session', payload: body, remoteAddress });
    const session = ok<SessionJson>(res, 201);
    return { res, session, cookie: cookieOf(res) };
  }
  async function createUser(name: string, password?: string): Promise<string> {
    const res = await as(adminKey, {
      method: 'POST',
      url: '/api/users',
      payload: { name, ...(password === undefined ? {} : { password }) },
    });
    return ok<{ id: string }>(res, 201).id;
  }
  const auditRows = (entityType: string) =>
    store.db.selectFrom('audit_events').selectAll().where('entity_type', '=', entityType).execute();

  before(async () => {
    dataDir = tempDataDir();
    store = await openStore({ dataDir });
    const first = await ensureAdministrator(store, { dataDir });
    assert.ok(first.key && first.password);
    [adminKey, adminPassword] = [first.key, first.password];
    app = buildServer({ store, secrets: testSecrets(), now: () => new Date(clock) });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('writes the first administrator a password file (0600) that signs in', async () => {
    const path = join(dataDir, ADMIN_PASSWORD_FILE);
    assert.equal(readFileSync(path, 'utf8').trim(), adminPassword);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.match(adminPassword, /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    const { session } = await signIn({ username: 'admin', password: adminPassword });
    assert.equal(session.user.name, 'admin');
    assert.deepEqual(await ensureAdministrator(store, { dataDir }), {}, 'later starts create nothing');
  });

  it('signs in with a password: 201, the session, and an HttpOnly SameSite=Strict cookie', async () => {
    const { res, session } = await signIn({ username: 'ADMIN', password: adminPassword });
    assert.deepEqual(Object.keys(session).sort(), ['csrfToken', 'expiresAt', 'user']);
    assert.equal(session.user.isAdmin, true);
    assert.equal(session.expiresAt, new Date(clock + 2 * HOUR).toISOString(), 'idle end first');
    const header = res.headers['set-cookie'] as string;
    assert.match(header, /^slipway_session=[A-Za-z0-9_-]{43}; /);
    for (const part of ['HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=43200'])
      assert.ok(header.includes(part), header);
    assert.ok(!header.includes('Secure'), 'plain http: no Secure (the browser would drop it)');
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('marks the cookie Secure behind a TLS proxy when trusted (--trust-proxy), and only then', async () => {
    const signInVia = async (server: FastifyInstance) => {
      const res = await server.inject({
        method: 'POST',
        url: '/api/session',
        payload: { username: 'admin', password: adminPassword },
        headers: { 'x-forwarded-proto': 'https' },
        remoteAddress: nextAddress(),
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.headers['set-cookie'] as string;
    };
    // Untrusted, the header is anyone's word: the server still sees plain http.
    assert.ok(!(await signInVia(app)).includes('Secure'));
    const proxied = buildServer({
      store,
      secrets: testSecrets(),
      now: () => new Date(clock),
      trustProxy: true,
    });
    await proxied.ready();
    try {
      const header = await signInVia(proxied);
      assert.match(header, /; Secure$/, header);
    } finally {
      await proxied.close();
    }
  });

  it('GET /api/session answers the cookie’s session, and 401 without one', async () => {
    const { cookie, session } = await signIn({ username: 'admin', password: adminPassword });
    assert.deepEqual(
      ok<SessionJson>(await withCookie(cookie, { method: 'GET', url: '/api/session' })),
      session,
    );
    refused(await app.inject({ method: 'GET', url: '/api/session' }), 401, 'UNAUTHENTICATED');
    const gone = await withCookie('slipway_session=' + 'x'.repeat(43), {
      method: 'GET',
      url: '/api/session',
    });
    refused(gone, 401, 'UNAUTHENTICATED');
    assert.match(String(gone.headers['set-cookie']), /^slipway_session=; .*Max-Age=0/);
  });

  it('authenticates API requests with the cookie; changes need the CSRF header', async () => {
    const { cookie, session } = await signIn({ username: 'admin', password: adminPassword });
    assert.equal(
      ok<{ name: string }>(await withCookie(cookie, { method: 'GET', url: '/api/me' })).name,
      'admin',
    );
    const create = (name: string): InjectOptions => ({
      method: 'POST',
      url: '/api/users',
      payload: { name },
    });
    const missing = refused(await withCookie(cookie, create('csrf-1')), 403, 'CSRF_REJECTED');
    assert.match(missing.message, /X-Slipway-Csrf|x-slipway-csrf/i);
    refused(await withCookie(cookie, create('csrf-1'), 'wrong'), 403, 'CSRF_REJECTED');
    const crossSite = await withCookie(
      cookie,
      { ...create('csrf-1'), headers: { origin: 'https://evil.example' } },
      session.csrfToken,
    );
    assert.match(refused(crossSite, 403, 'CSRF_REJECTED').message, /another site/);
    ok(await withCookie(cookie, create('csrf-1'), session.csrfToken), 201);
    const sameSite = {
      ...create('csrf-2'),
      headers: { origin: 'http://localhost:80', host: 'localhost:80' },
    };
    ok(await withCookie(cookie, sameSite, session.csrfToken), 201);
  });

  it('API keys work as before: no CSRF, and a stale cookie beside a key changes nothing', async () => {
    const stale = 'slipway_session=' + 'y'.repeat(43);
    const me = await withCookie(stale, {
      method: 'GET',
      url: '/api/me',
      headers: { authorization: `Bearer ${adminKey}` },
    });
    assert.equal(ok<{ name: string }>(me).name, 'admin');
    const created = await withCookie(stale, {
      method: 'POST',
      url: '/api/users',
      payload: { name: 'by-key' },
      headers: { authorization: `Bearer ${adminKey}` },
    });
    ok(created, 201);
    refused(await as('slw_000000000000_nope', { method: 'GET', url: '/api/me' }), 401, 'UNAUTHENTICATED');
  });

  it('signs in with an API key; revoking the key ends that session', async () => {
    const user = await createUser('keyholder');
    const made = ok<{ id: string; key: string }>(
      await as(adminKey, { method: 'POST', url: `/api/users/${user}/api-keys`, payload: { name: 'ui' } }),
      201,
    );
    const { cookie, session } = await signIn({ apiKey: made.key });
    assert.equal(session.user.name, 'keyholder');
    ok(await withCookie(cookie, { method: 'GET', url: '/api/me' }));
    const revoked = await as(adminKey, { method: 'DELETE', url: `/api/users/${user}/api-keys/${made.id}` });
    assert.equal(revoked.statusCode, 204);
    refused(await withCookie(cookie, { method: 'GET', url: '/api/me' }), 401, 'UNAUTHENTICATED');
  });

  it('signs out: 204, the cookie cleared, and the old cookie no longer works', async () => {
    const { cookie, session } = await signIn({ username: 'admin', password: adminPassword });
    refused(await withCookie(cookie, { method: 'DELETE', url: '/api/session' }), 403, 'CSRF_REJECTED');
    const out = await withCookie(cookie, { method: 'DELETE', url: '/api/session' }, session.csrfToken);
    assert.equal(out.statusCode, 204);
    assert.match(String(out.headers['set-cookie']), /^slipway_session=; .*Max-Age=0/);
    refused(await withCookie(cookie, { method: 'GET', url: '/api/me' }), 401, 'UNAUTHENTICATED');
    assert.equal(
      (await app.inject({ method: 'DELETE', url: '/api/session' })).statusCode,
      204,
      'harmless without one',
    );
    const rows = await auditRows('session');
    const ended = rows.find((r) => r.action === 'delete');
    assert.ok(ended, 'sign-out audited');
    assert.equal(ended.actor, 'admin');
  });

  it('ends a session after 2 idle hours, slides with use, and ends 12 hours after sign-in regardless', async () => {
    const { cookie } = await signIn({ username: 'admin', password: adminPassword });
    const me = () => withCookie(cookie, { method: 'GET', url: '/api/me' });
    for (let i = 0; i < 7; i++) {
      clock += 1.5 * HOUR;
      ok(await me());
    }
    clock += 1.5 * HOUR; // 12 h after sign-in
    refused(await me(), 401, 'UNAUTHENTICATED');
    const idle = await signIn({ username: 'admin', password: adminPassword });
    clock += 2 * HOUR;
    const res = await withCookie(idle.cookie, { method: 'GET', url: '/api/me' });
    assert.match(refused(res, 401, 'UNAUTHENTICATED').message, /Sign in again/);
  });

  it('stops a disabled user’s sessions at once, and refuses their sign-in with the one message', async () => {
    const id = await createUser('dora', PASSWORD);
    const { cookie } = await signIn({ username: 'dora', password: PASSWORD });
    ok(await withCookie(cookie, { method: 'GET', url: '/api/me' }));
    ok(await as(adminKey, { method: 'POST', url: `/api/users/${id}/disable` }));
    refused(await withCookie(cookie, { method: 'GET', url: '/api/me' }), 401, 'UNAUTHENTICATED');
    const again = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'dora', password: PASSWORD },
      remoteAddress: nextAddress(),
    });
    assert.equal(refused(again, 401, 'UNAUTHENTICATED').message, SIGN_IN_REJECTED_MESSAGE);
  });

  it('answers one message for an unknown user, a wrong password and a missing field names the field', async () => {
    const from = nextAddress();
    for (const body of [
      { username: 'nobody-here', password: PASSWORD },
      { username: 'admin', password: 'not the password' },
    ]) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/session',
        payload: body,
        remoteAddress: from,
      });
      const error = refused(res, 401, 'UNAUTHENTICATED');
      assert.equal(error.message, SIGN_IN_REJECTED_MESSAGE);
      assert.deepEqual(error.details, { reason: 'sign-in-refused' });
    }
    const empty = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'admin' },
      remoteAddress: from,
    });
    assert.deepEqual(refused(empty, 400, 'INVALID_INPUT').details.issues, [
      'session.password: enter your password',
    ]);
    const failures = await auditRows('sign-in-failure');
    assert.ok(failures.length >= 2);
    const text = JSON.stringify(failures);
    assert.ok(!text.includes('not the password') && !text.includes(PASSWORD), 'no password in the audit log');
    assert.ok(text.includes('wrong-password') && text.includes('unknown-user'));
  });

  it('limits failed sign-ins per user name: 429 with Retry-After, then allowed after the window', async () => {
    await createUser('erin', PASSWORD);
    for (let i = 0; i < 5; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { username: 'erin', password: `wrong password ${i}` },
        remoteAddress: nextAddress(),
      });
      refused(res, 401, 'UNAUTHENTICATED');
      clock += 60_000;
    }
    const limited = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'Erin', password: PASSWORD },
      remoteAddress: nextAddress(),
    });
    const error = refused(limited, 429, 'SIGN_IN_LIMITED');
    assert.equal(
      limited.headers['retry-after'],
      String(10 * 60),
      'the first failure leaves the window in 10 minutes',
    );
    assert.match(error.message, /Try again in 10 minutes \(at \d\d:\d\d UTC\)/);
    clock += 10 * 60_000;
    await signIn({ username: 'erin', password: PASSWORD });
  });

  it('limits failed sign-ins per client address (20), whatever the user name', async () => {
    const from = nextAddress();
    for (let i = 0; i < 20; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/session',
        // Keys mostly: a wrong key costs no password hashing, so the test stays quick.
        payload:
          i % 10 ? { apiKey: 'slw_000000000000_guess' } : { username: `guess-${i}`, password: PASSWORD },
        remoteAddress: from,
      });
      refused(res, 401, 'UNAUTHENTICATED');
    }
    const res = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'admin', password: adminPassword },
      remoteAddress: from,
    });
    refused(res, 429, 'SIGN_IN_LIMITED');
    await signIn({ username: 'admin', password: adminPassword }, nextAddress());
    clock += 15 * 60_000;
  });

  it('audits every sign-in without the password', async () => {
    const before = (await auditRows('session')).length;
    await signIn({ username: 'admin', password: adminPassword });
    const rows = await auditRows('session');
    assert.equal(rows.length, before + 1);
    const text = JSON.stringify(rows);
    assert.ok(!text.includes(adminPassword));
    assert.ok(
      rows.some((r) => r.action === 'create' && r.actor === 'admin' && r.source_ip?.startsWith('10.0.0.')),
    );
  });

  describe('PUT /api/users/{id}/password', () => {
    it('changes your own with the current one, and ends your other sessions only', async () => {
      const id = await createUser('frank', PASSWORD);
      const a = await signIn({ username: 'frank', password: PASSWORD });
      const b = await signIn({ username: 'frank', password: PASSWORD });
      const put = (payload: object) =>
        withCookie(
          a.cookie,
          { method: 'PUT', url: `/api/users/${id}/password`, payload },
          a.session.csrfToken,
        );
      assert.deepEqual(
        refused(await put({ newPassword: 'another long password' }), 400, 'INVALID_INPUT').details.issues,
        ['currentPassword: enter your current password to change it'],
      );
      refused(
        await put({ currentPassword: 'not it at all', newPassword: 'another long password' }),
        400,
        'INVALID_INPUT',
      );
      const short = refused(
        await put({ currentPassword: PASSWORD, newPassword: 'short' }),
        400,
        'INVALID_INPUT',
      );
      assert.match(short.message, /at least 12 characters/);
      const named = refused(
        await put({ currentPassword: PASSWORD, newPassword: 'FRANK' }),
        400,
        'INVALID_INPUT',
      );
      assert.match(named.message, /must not be the user name/);
      const done = ok<{ otherSessionsEnded: number }>(
        await put({ currentPassword: PASSWORD, newPassword: 'another long password' }),
      );
      assert.equal(done.otherSessionsEnded, 1);
      ok(await withCookie(a.cookie, { method: 'GET', url: '/api/me' }), 200);
      refused(await withCookie(b.cookie, { method: 'GET', url: '/api/me' }), 401, 'UNAUTHENTICATED');
      await signIn({ username: 'frank', password: 'another long password' });
    });

    it('lets an administrator set anyone’s without the current one; others may not', async () => {
      const id = await createUser('gina', PASSWORD);
      const other = await createUser('hank', PASSWORD);
      const g = await signIn({ username: 'gina', password: PASSWORD });
      const res = await withCookie(
        g.cookie,
        {
          method: 'PUT',
          url: `/api/users/${other}/password`,
          payload: { newPassword: 'hank has a new one' },
        },
        g.session.csrfToken,
      );
      refused(res, 403, 'FORBIDDEN');
      const set = await as(adminKey, {
        method: 'PUT',
        url: `/api/users/${id}/password`,
        payload: { newPassword: 'set by the admin' },
      });
      assert.equal(ok<{ otherSessionsEnded: number }>(set).otherSessionsEnded, 1);
      refused(await withCookie(g.cookie, { method: 'GET', url: '/api/me' }), 401, 'UNAUTHENTICATED');
      await signIn({ username: 'gina', password: 'set by the admin' });
      const rows = JSON.stringify(await auditRows('user-credential'));
      assert.ok(!rows.includes('set by the admin'), 'no password in the audit log');
    });

    it('refuses a user created with a bad password, creating nobody', async () => {
      const res = await as(adminKey, {
        method: 'POST',
        url: '/api/users',
        payload: { name: 'ivan', password: 'ivan' },
      });
      assert.match(refused(res, 400, 'INVALID_INPUT').message, /at least 12 characters.*user name/);
      const list = ok<{ items: { name: string }[] }>(
        await as(adminKey, { method: 'GET', url: '/api/users?name=ivan' }),
      );
      assert.deepEqual(list.items, []);
    });
  });
});
