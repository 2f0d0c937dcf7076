/** Authentication and authorisation of the API, through inject on a PGlite store. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { tempDataDir } from '../../test/helpers/postgres.js';
import { API_KEY_REJECTED_MESSAGE, apiKeysRepository, ensureAdministrator } from '../store/api-keys.js';
import { openStore, type Store } from '../store/database.js';
import { testSecrets } from '../../test/kits/secrets.js';
import { buildServer } from './app.js';

const ENVS = '/api/spaces/Default/environments';
const TEST: { actor: string } = { actor: 'test' };

interface ErrorJson {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

describe('API authentication and authorisation', () => {
  let store: Store;
  let app: FastifyInstance;
  let adminKey: string;
  let userKey: string;
  const logLines: string[] = [];
  // Every response any test saw, to check that no key ever comes back.
  const seen: LightMyRequestResponse[] = [];
  const inject = async (options: InjectOptions) => {
    const res = await app.inject(options);
    seen.push(res);
    return res;
  };
  const withKey = (key: string, options: InjectOptions = { method: 'GET', url: ENVS }) =>
    inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${key}` } });
  const refused = (res: LightMyRequestResponse, status: number, code: string): ErrorJson => {
    assert.equal(res.statusCode, status, res.body);
    const body = res.json<ErrorJson>();
    assert.equal(body.code, code);
    return body;
  };

  before(async () => {
    const dataDir = tempDataDir();
    store = await openStore({ dataDir });
    const first = await ensureAdministrator(store, { dataDir });
    assert.ok(first.key);
    adminKey = first.key;
    const repo = apiKeysRepository(store.db);
    const bob = await repo.createUser({ name: 'bob' }, TEST);
    userKey = (await repo.createApiKey(bob.id, { name: 'ci' }, TEST)).key;
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    app = buildServer({ store, secrets: testSecrets(), logger: true, logStream });
    // A route outside the spec list: protected by default, and it logs the headers it got.
    app.get('/api/test/log-headers', async (request) => {
      request.log.info({ headers: request.headers }, 'headers seen');
      return { ok: true };
    });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('answers 401 UNAUTHENTICATED without a key, with a challenge', async () => {
    const res = await inject({ method: 'GET', url: ENVS });
    const body = refused(res, 401, 'UNAUTHENTICATED');
    assert.match(body.message, /Authorization: Bearer <key>.*X-Slipway-ApiKey/);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="slipway"');
    // Unknown routes and writes are refused before anything else happens.
    refused(await inject({ method: 'GET', url: '/api/nothing' }), 401, 'UNAUTHENTICATED');
    refused(await inject({ method: 'POST', url: ENVS, payload: { name: 'X' } }), 401, 'UNAUTHENTICATED');
  });

  it('answers the same 401 to a malformed, unknown, expired or revoked key or a disabled user', async () => {
    const repo = apiKeysRepository(store.db);
    const carol = await repo.createUser({ name: 'carol', isAdmin: true }, TEST);
    const expired = await repo.createApiKey(carol.id, { name: 'old' }, TEST);
    await store.db
      .updateTable('api_keys')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('id', '=', expired.id)
      .execute();
    const revoked = await repo.createApiKey(carol.id, { name: 'revoked' }, TEST);
    await repo.revokeApiKey(revoked.id, TEST);
    const dave = await repo.createUser({ name: 'dave', isAdmin: true }, TEST);
    const disabled = await repo.createApiKey(dave.id, { name: 'd' }, TEST);
    await repo.disableUser(dave.id, TEST);
    const unknown = adminKey.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const bodies: string[] = [];
    for (const key of ['nonsense', unknown, expired.key, revoked.key, disabled.key]) {
      const res = await withKey(key);
      assert.equal(refused(res, 401, 'UNAUTHENTICATED').message, API_KEY_REJECTED_MESSAGE);
      bodies.push(res.body);
    }
    assert.equal(new Set(bodies).size, 1, 'every rejection looks the same');
    // The reasons are in the log, for operators.
    const reasons = logLines
      .map((l) => JSON.parse(l) as { msg?: string; reason?: string })
      .filter((l) => l.msg === 'API key rejected')
      .map((l) => l.reason);
    assert.deepEqual(reasons, ['malformed', 'unknown', 'expired', 'revoked', 'user-disabled']);
  });

  it('accepts the key in either header, and refuses other schemes or two different keys', async () => {
    assert.equal((await withKey(adminKey)).statusCode, 200);
    const lower = await inject({
      method: 'GET',
      url: ENVS,
      headers: { authorization: `bearer ${adminKey}` },
    });
    assert.equal(lower.statusCode, 200);
    const own = await inject({ method: 'GET', url: ENVS, headers: { 'x-slipway-apikey': adminKey } });
    assert.equal(own.statusCode, 200, own.body);
    const both = await inject({
      method: 'GET',
      url: ENVS,
      headers: { authorization: `Bearer ${adminKey}`, 'x-slipway-apikey': adminKey },
    });
    assert.equal(both.statusCode, 200);
    const basic = await inject({
      method: 'GET',
      url: ENVS,
      headers: { authorization: `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}` },
    });
    assert.match(refused(basic, 401, 'UNAUTHENTICATED').message, /must be "Bearer <API key>"/);
    const two = await inject({
      method: 'GET',
      url: ENVS,
      headers: { authorization: `Bearer ${adminKey}`, 'x-slipway-apikey': userKey },
    });
    assert.match(refused(two, 401, 'UNAUTHENTICATED').message, /different keys/);
  });

  it('answers 403 FORBIDDEN to a valid key whose user holds no permission there', async () => {
    // bob is in no team: he may call nothing that needs a permission (permission-matrix.test.ts
    // covers roles and scopes).
    for (const [options, permission] of [
      [{ method: 'GET', url: ENVS }, 'environment.view'],
      [{ method: 'POST', url: ENVS, payload: { name: 'Bob was here' } }, 'environment.edit'],
    ] as const) {
      const body = refused(await withKey(userKey, options), 403, 'FORBIDDEN');
      assert.equal(
        body.message,
        `User "bob" may not ${permission} in space "Default": ask an administrator to add you to a team ` +
          'with a role that allows it.',
      );
      assert.equal(body.details.permission, permission);
    }
    const created = await store.db
      .selectFrom('environments')
      .select('id')
      .where('name', '=', 'Bob was here')
      .executeTakeFirst();
    assert.equal(created, undefined);
    // A route that declares nothing is for administrators only.
    const body = refused(
      await withKey(userKey, { method: 'GET', url: '/api/test/log-headers' }),
      403,
      'FORBIDDEN',
    );
    assert.match(
      body.message,
      /"bob" is not an administrator, and only administrators may GET \/api\/test\/log-headers/,
    );
    // But any valid key learns that a route does not exist.
    assert.equal((await withKey(userKey, { method: 'GET', url: '/api/nothing' })).statusCode, 404);
  });

  it('serves probes and the OpenAPI document without a key', async () => {
    for (const url of ['/healthz', '/readyz', '/api/openapi.json']) {
      assert.equal((await inject({ method: 'GET', url })).statusCode, 200, url);
    }
  });

  it('records the authenticated user as the actor of a change', async () => {
    const res = await withKey(adminKey, { method: 'POST', url: ENVS, payload: { name: 'Audited' } });
    assert.equal(res.statusCode, 201, res.body);
    const { id } = res.json<{ id: string }>();
    const rows = await store.db
      .selectFrom('audit_events')
      .select(['actor', 'source_ip', 'action'])
      .where('entity_id', '=', id)
      .execute();
    assert.deepEqual(rows, [{ actor: 'admin', source_ip: '127.0.0.1', action: 'create' }]);
  });

  it('documents the security schemes and the 401/403 answers', async () => {
    const doc = (await inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      security: unknown[];
      components: { securitySchemes: Record<string, { type: string; name?: string; scheme?: string }> };
      paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>;
    }>();
    const schemes = Object.values(doc.components.securitySchemes);
    assert.ok(schemes.some((s) => s.type === 'http' && s.scheme === 'bearer'));
    assert.ok(schemes.some((s) => s.type === 'apiKey' && s.name === 'X-Slipway-ApiKey'));
    assert.ok(schemes.some((s) => s.type === 'apiKey' && s.name === 'slipway_session'));
    assert.equal(doc.security.length, 3);
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const open = ['/healthz', '/readyz', '/api/openapi.json', '/api/docs'].includes(path);
        // Signing in needs no credential but answers 401 for wrong ones itself (routes/session.ts).
        if (path === '/api/session') {
          assert.equal(op.security.length, 0, `${method} ${path}`);
          continue;
        }
        assert.deepEqual(op.security.length === 0, open, `${method} ${path}`);
        assert.equal('401' in op.responses, !open, `${method} ${path} 401`);
        assert.equal('403' in op.responses, !open, `${method} ${path} 403`);
      }
    }
  });

  it('redacts key headers from the log', async () => {
    assert.equal((await withKey(adminKey, { method: 'GET', url: '/api/test/log-headers' })).statusCode, 200);
    const seenLine = logLines.find((l) => l.includes('headers seen'));
    assert.ok(seenLine);
    assert.match(seenLine, /"authorization":"\[redacted\]"/);
    const own = await inject({
      method: 'GET',
      url: '/api/test/log-headers',
      headers: { 'x-slipway-apikey': adminKey },
    });
    assert.equal(own.statusCode, 200);
    assert.match(
      logLines.filter((l) => l.includes('headers seen')).at(-1) ?? '',
      /"x-slipway-apikey":"\[redacted\]"/,
    );
  });

  it('never shows a key in a response, the audit table or the log', async () => {
    const audit = JSON.stringify(await store.db.selectFrom('audit_events').selectAll().execute());
    assert.ok(seen.length > 20);
    for (const key of [adminKey, userKey]) {
      // The secret part of `slw_<12 hex>_<secret>` (the secret itself may contain `_`).
      const secret = key.slice('slw_'.length + 12 + 1);
      for (const res of seen) {
        assert.ok(!res.body.includes(secret), res.body);
        assert.ok(!JSON.stringify(res.headers).includes(secret));
      }
      assert.ok(!audit.includes(secret), 'audit table');
      assert.ok(!logLines.some((l) => l.includes(secret)), 'log');
    }
  });
});
