import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { DEFAULT_SPACE_ID as SPACE } from '../core/model/space.js';
import { forEachBackend, tempDataDir } from '../../test/helpers/postgres.js';
import { ensureAdministrator } from '../store/api-keys.js';
import type { Store } from '../store/database.js';
import { testSecrets } from '../../test/kits/secrets.js';
import { buildServer } from './app.js';

const BASE = `/api/spaces/${SPACE}/environments`;
const FIXED = new Date('2026-01-02T03:04:05.000Z');

interface ErrorJson {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

function error(res: LightMyRequestResponse, status: number, code: string, pattern?: RegExp): ErrorJson {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json<ErrorJson>();
  assert.deepEqual(Object.keys(body).sort(), ['code', 'details', 'message']);
  assert.equal(body.code, code, body.message);
  if (pattern) assert.match(body.message, pattern);
  return body;
}

interface EnvJson {
  id: string;
  name: string;
  version: number;
  sortOrder: number;
  description: string;
  guidedFailure: boolean;
}

type Inject = (options: InjectOptions) => Promise<LightMyRequestResponse>;

/** Injects with the first administrator's key, which every /api route needs. */
async function withAdminKey(app: FastifyInstance, store: Store): Promise<Inject> {
  const { key } = await ensureAdministrator(store, { dataDir: tempDataDir() });
  assert.ok(key);
  return (options) =>
    app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${key}` } });
}

forEachBackend('server', (backend) => {
  let store: Store;
  let app: FastifyInstance;
  let inject: Inject;
  const create = async (body: unknown) => {
    const res = await inject({ method: 'POST', url: BASE, payload: body as object });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<EnvJson>();
  };

  before(async () => {
    store = await backend.open();
    app = buildServer({ store, secrets: testSecrets(), now: () => FIXED });
    inject = await withAdminKey(app, store);
    await app.ready();
  });
  after(() => app.close());

  it('answers health and readiness', async () => {
    const health = await inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json(), { status: 'ok', time: FIXED.toISOString() });
    const ready = await inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200, ready.body);
  });

  it('creates, reads, changes and deletes an environment, with audit rows', async () => {
    const res = await inject({
      method: 'POST',
      url: `/api/spaces/default/environments`, // the space by name, ignoring case
      payload: { name: 'Staging', description: 'pre-prod' },
    });
    assert.equal(res.statusCode, 201, res.body);
    const env = res.json<EnvJson>();
    assert.equal(env.name, 'Staging');
    assert.equal(env.version, 1);
    assert.equal(res.headers.location, `${BASE}/${env.id}`);
    assert.equal(res.headers.etag, '"1"');

    const got = await inject({ method: 'GET', url: `${BASE}/${env.id}` });
    assert.equal(got.statusCode, 200);
    assert.equal(got.headers.etag, '"1"');
    assert.deepEqual(got.json(), env);

    const patched = await inject({
      method: 'PATCH',
      url: `${BASE}/${env.id}`,
      headers: { 'if-match': '"1"', 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify({ guidedFailure: true }),
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.headers.etag, '"2"');
    assert.equal(patched.json<EnvJson>().guidedFailure, true);
    assert.equal(patched.json<EnvJson>().description, 'pre-prod');

    const staleDelete = await inject({
      method: 'DELETE',
      url: `${BASE}/${env.id}`,
      headers: { 'if-match': '"1"' },
    });
    error(staleDelete, 412, 'PRECONDITION_FAILED', /changed since you read it/);
    const deleted = await inject({
      method: 'DELETE',
      url: `${BASE}/${env.id}`,
      headers: { 'if-match': '"2"' },
    });
    assert.equal(deleted.statusCode, 204);
    assert.equal(deleted.body, '');
    error(await inject({ method: 'GET', url: `${BASE}/${env.id}` }), 404, 'NOT_FOUND', /no environment/);
    error(await inject({ method: 'DELETE', url: `${BASE}/${env.id}` }), 404, 'NOT_FOUND');

    const audit = await store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('entity_id', '=', env.id)
      .orderBy('occurred_at')
      .execute();
    assert.deepEqual(
      audit.map((a) => [a.action, a.actor, a.source_ip]),
      [
        ['create', 'admin', '127.0.0.1'],
        ['update', 'admin', '127.0.0.1'],
        ['delete', 'admin', '127.0.0.1'],
      ],
    );
  });

  it('pages with cursors and filters by name', async () => {
    const space = await inject({ method: 'GET', url: `${BASE}?limit=500` });
    for (const e of space.json<{ items: EnvJson[] }>().items) {
      await inject({ method: 'DELETE', url: `${BASE}/${e.id}` });
    }
    for (let i = 0; i < 5; i++) await create({ name: `Page ${i}`, sortOrder: 100 + i });
    await create({ name: 'Other', sortOrder: 50 });
    const names: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const url = `${BASE}?limit=2&name=page${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, res.body);
      const page = res.json<{ items: EnvJson[]; nextCursor?: string }>();
      names.push(...page.items.map((e) => e.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.deepEqual(names, ['Page 0', 'Page 1', 'Page 2', 'Page 3', 'Page 4']);
    assert.equal(pages, 3);
    const all = await inject({ method: 'GET', url: BASE });
    assert.deepEqual(
      all.json<{ items: EnvJson[] }>().items.map((e) => e.name),
      ['Other', 'Page 0', 'Page 1', 'Page 2', 'Page 3', 'Page 4'],
    );
    assert.equal(all.json<{ nextCursor?: string }>().nextCursor, undefined);
  });

  it('refuses a duplicate name with 409 naming it', async () => {
    await create({ name: 'Production' });
    const res = await inject({ method: 'POST', url: BASE, payload: { name: 'PRODUCTION' } });
    const body = error(res, 409, 'ALREADY_EXISTS', /"PRODUCTION" already exists/);
    assert.equal(body.details.name, 'PRODUCTION');
  });

  it('answers 304 to a current If-None-Match', async () => {
    const env = await create({ name: 'Cached' });
    const url = `${BASE}/${env.id}`;
    const fresh = await inject({ method: 'GET', url, headers: { 'if-none-match': '"1"' } });
    assert.equal(fresh.statusCode, 304);
    assert.equal(fresh.headers.etag, '"1"');
    assert.equal(fresh.body, '');
    const stale = await inject({ method: 'GET', url, headers: { 'if-none-match': 'W/"0", "7"' } });
    assert.equal(stale.statusCode, 200);
  });

  it('requires If-Match on PATCH and refuses a stale one', async () => {
    const env = await create({ name: 'Guarded' });
    const url = `${BASE}/${env.id}`;
    const patch = (ifMatch?: string) =>
      inject({
        method: 'PATCH',
        url,
        headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
        payload: { description: 'x' },
      });
    error(await patch(), 428, 'PRECONDITION_REQUIRED', /If-Match/);
    error(await patch('3'), 400, 'INVALID_INPUT', /If-Match/);
    assert.equal((await patch('"1"')).statusCode, 200);
    const stale = error(await patch('"1"'), 412, 'PRECONDITION_FAILED', /version 1, it is now at 2/);
    assert.equal(stale.details.currentVersion, 2);
  });

  it('lets exactly one of two concurrent PATCHes at the same version win', async () => {
    const env = await create({ name: 'Raced' });
    const results = await Promise.all(
      ['a', 'b'].map((description) =>
        inject({
          method: 'PATCH',
          url: `${BASE}/${env.id}`,
          headers: { 'if-match': '"1"' },
          payload: { description },
        }),
      ),
    );
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 412]);
  });

  it('answers 400 naming the field on bad input to every endpoint', async () => {
    const env = await create({ name: 'Validated' });
    const url = `${BASE}/${env.id}`;
    const cases: [string, InjectOptions, RegExp][] = [
      ['list limit', { method: 'GET', url: `${BASE}?limit=0` }, /limit: limit must be at least 1/],
      ['list unknown', { method: 'GET', url: `${BASE}?colour=red` }, /unknown field "colour"/],
      ['list cursor', { method: 'GET', url: `${BASE}?cursor=nope` }, /cursor/],
      ['list name twice', { method: 'GET', url: `${BASE}?name=a&name=b` }, /name must be a string/],
      [
        'create name',
        { method: 'POST', url: BASE, payload: { name: '' } },
        /environment\.name: name must not be empty/,
      ],
      ['create type', { method: 'POST', url: BASE, payload: { name: 'X', sortOrder: -1 } }, /sortOrder/],
      [
        'create unknown',
        { method: 'POST', url: BASE, payload: { name: 'X', colour: 1 } },
        /unknown field "colour"/,
      ],
      ['create array', { method: 'POST', url: BASE, payload: [1] }, /must be an object/],
      ['create no body', { method: 'POST', url: BASE }, /must be an object/],
      [
        'patch field',
        { method: 'PATCH', url, headers: { 'if-match': '"1"' }, payload: { guidedFailure: 'yes' } },
        /guidedFailure must be true or false/,
      ],
      [
        'patch empty',
        { method: 'PATCH', url, headers: { 'if-match': '"1"' }, payload: {} },
        /at least one of name/,
      ],
      ['delete if-match', { method: 'DELETE', url, headers: { 'if-match': 'v1' } }, /If-Match/],
    ];
    for (const [what, request, pattern] of cases) {
      const body = error(await inject(request), 400, 'INVALID_INPUT', pattern);
      assert.ok(Array.isArray(body.details.issues), what);
    }
    // Nothing was created or changed by the refused requests.
    assert.equal((await inject({ method: 'GET', url })).json<EnvJson>().version, 1);
  });

  it('answers 400 to malformed JSON, 415 to other types (plain text too), 413 to huge bodies', async () => {
    for (const method of ['POST', 'PATCH'] as const) {
      const res = await inject({
        method,
        url: method === 'POST' ? BASE : `${BASE}/x`,
        headers: { 'content-type': 'application/json', 'if-match': '"1"' },
        payload: '{"name": ',
      });
      error(res, 400, 'INVALID_INPUT', /not valid JSON/);
    }
    const xml = await inject({
      method: 'POST',
      url: BASE,
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    error(xml, 415, 'INVALID_INPUT', /send JSON as application\/json/);
    // JSON sent as text is not read as a string (which the schema would call "not an object").
    const text = await inject({
      method: 'POST',
      url: BASE,
      headers: { 'content-type': 'text/plain' },
      payload: '{"name":"Texted"}',
    });
    error(text, 415, 'INVALID_INPUT', /this content type is not accepted; send JSON as application\/json/);
    const huge = await inject({ method: 'POST', url: BASE, payload: { name: 'x'.repeat(2_000_000) } });
    error(huge, 413, 'INVALID_INPUT', /larger than the 1 MiB the server accepts/);
    const proto = await inject({
      method: 'POST',
      url: BASE,
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"P","__proto__":{"x":1}}',
    });
    error(proto, 400, 'INVALID_INPUT', /or uses "__proto__" or "constructor" as a key/);
  });

  it('answers 404 for an unknown space, environment or route', async () => {
    error(
      await inject({ method: 'GET', url: '/api/spaces/Nowhere/environments' }),
      404,
      'NOT_FOUND',
      /no space "Nowhere"/,
    );
    error(
      await inject({ method: 'POST', url: '/api/spaces/Nowhere/environments', payload: { name: 'X' } }),
      404,
      'NOT_FOUND',
    );
    error(await inject({ method: 'GET', url: `${BASE}/Environments-missing` }), 404, 'NOT_FOUND');
    error(
      await inject({
        method: 'PATCH',
        url: `${BASE}/Environments-missing`,
        headers: { 'if-match': '"1"' },
        payload: { description: 'x' },
      }),
      404,
      'NOT_FOUND',
    );
    error(
      await inject({ method: 'GET', url: '/api/nothing?x=1' }),
      404,
      'NOT_FOUND',
      /no route GET \/api\/nothing;/,
    );
  });

  it('answers 405 naming the methods a known path takes', async () => {
    const res = await inject({ method: 'PUT', url: BASE });
    error(res, 405, 'METHOD_NOT_ALLOWED', /environments does not take PUT; it takes GET, HEAD, POST/);
    assert.equal(res.headers.allow, 'GET, HEAD, POST');
    const one = await inject({ method: 'POST', url: `${BASE}/Environments-1?x=1` });
    error(one, 405, 'METHOD_NOT_ALLOWED');
    assert.equal(one.headers.allow, 'DELETE, GET, HEAD, PATCH');
    // Without a key an unknown method is refused like an unknown route: 401 first.
    const anonymous = await app.inject({ method: 'PUT', url: BASE });
    assert.equal(anonymous.statusCode, 401);
  });

  it('serves an OpenAPI document listing every route', async () => {
    const res = await inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = JSON.parse(res.body) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>
      >;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    assert.equal(doc.openapi, '3.1.0');
    // This suite's routes; the resource kinds' routes have their own document test.
    const ops = Object.entries(doc.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .filter((op) => /environments|audit-events|openapi|healthz|readyz/.test(op));
    assert.deepEqual(ops.sort(), [
      'DELETE /api/spaces/{space}/environments/{id}',
      'GET /api/openapi.json',
      'GET /api/spaces/{space}/audit-events',
      'GET /api/spaces/{space}/environments',
      'GET /api/spaces/{space}/environments/{id}',
      'GET /healthz',
      'GET /readyz',
      'PATCH /api/spaces/{space}/environments/{id}',
      'POST /api/spaces/{space}/environments',
    ]);
    const list = doc.paths['/api/spaces/{space}/environments']!.get!;
    assert.deepEqual(
      list.parameters?.map((p) => `${p.in}:${p.name}`),
      ['path:space', 'query:limit', 'query:cursor', 'query:name'],
    );
    const patch = doc.paths['/api/spaces/{space}/environments/{id}']!.patch!;
    assert.ok(patch.parameters?.some((p) => p.in === 'header' && p.name === 'If-Match'));
    assert.deepEqual(Object.keys(patch.responses).sort(), [
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '412',
      '428',
      '500',
    ]);
    assert.deepEqual(Object.keys(doc.components.schemas.Error?.properties ?? {}), [
      'code',
      'message',
      'details',
    ]);
    assert.ok(doc.components.schemas.EnvironmentCreate?.properties?.name);
    // Every $ref resolves.
    for (const [, name] of res.body.matchAll(/"#\/components\/schemas\/(\w+)"/g)) {
      assert.ok(doc.components.schemas[name!], `missing schema ${name}`);
    }
  });
});

forEachBackend('server failures', (backend) => {
  it('never shows the internals of an unexpected error', async () => {
    const store = await backend.open();
    const app = buildServer({ store, secrets: testSecrets() });
    const inject = await withAdminKey(app, store);
    app.get('/boom', () => {
      throw new Error('password=hunter2 at /srv/secret/path');
    });
    const res = await inject({ method: 'GET', url: '/boom' });
    const body = error(res, 500, 'INTERNAL', /internal error occurred \(request /);
    assert.doesNotMatch(res.body, /hunter2|secret|stack/);
    assert.equal(typeof body.details.requestId, 'string');
    await app.close();
  });

  it('is not ready once the store is closed', async () => {
    const store = await backend.open();
    const app = buildServer({ store, secrets: testSecrets() });
    const inject = await withAdminKey(app, store);
    assert.equal((await inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    await store.close();
    error(await inject({ method: 'GET', url: '/readyz' }), 503, 'STORE_UNAVAILABLE');
    assert.equal((await inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    // A route that needs the store fails without leaking the driver's message.
    const res = await inject({ method: 'GET', url: BASE });
    assert.ok(res.statusCode >= 500, res.body);
    assert.doesNotMatch(res.body, /destroyed|driver|kysely/i);
    await app.close();
  });
});
