import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { DEFAULT_SPACE_ID as SPACE } from '../core/model/space.js';
import { forEachBackend, tempDataDir } from '../../test/helpers/postgres.js';
import { ensureAdministrator } from '../store/api-keys.js';
import type { Store } from '../store/database.js';
import { testSecrets } from '../../test/kits/secrets.js';
import { buildServer } from './app.js';

const AUDIT = `/api/spaces/${SPACE}/audit-events`;
const ENVS = `/api/spaces/${SPACE}/environments`;

interface ErrorJson {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

interface EventJson {
  id: string;
  spaceId: string | null;
  actor: string;
  occurredAt: string;
  action: string;
  entityType: string;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

interface PageJson {
  items: EventJson[];
  nextCursor?: string;
}

function error(res: LightMyRequestResponse, status: number, code: string, pattern?: RegExp): ErrorJson {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json<ErrorJson>();
  assert.deepEqual(Object.keys(body).sort(), ['code', 'details', 'message']);
  assert.equal(body.code, code, body.message);
  if (pattern) assert.match(body.message, pattern);
  return body;
}

forEachBackend('audit route', (backend) => {
  let store: Store;
  let app: FastifyInstance;
  let key: string | undefined;
  let envId: string;
  const call = (options: InjectOptions) =>
    app.inject({
      ...options,
      headers: { ...options.headers, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    });
  const page = async (query = '') => {
    const res = await call({ method: 'GET', url: `${AUDIT}${query}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<PageJson>();
  };

  before(async () => {
    store = await backend.open();
    ({ key } = await ensureAdministrator(store, { dataDir: tempDataDir() }));
    app = buildServer({ store, secrets: testSecrets() });
    await app.ready();
    const created = await call({ method: 'POST', url: ENVS, payload: { name: 'Audited' } });
    assert.equal(created.statusCode, 201, created.body);
    envId = created.json<{ id: string }>().id;
    const changed = await call({
      method: 'PATCH',
      url: `${ENVS}/${envId}`,
      headers: { 'if-match': '"1"', 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify({ description: 'changed' }),
    });
    assert.equal(changed.statusCode, 200, changed.body);
    const other = await call({ method: 'POST', url: ENVS, payload: { name: 'Other' } });
    assert.equal(other.statusCode, 201, other.body);
  });
  after(() => app.close());

  it('lists the changes made through the API, newest first', async () => {
    const { items, nextCursor } = await page(`?entityId=${envId}`);
    assert.equal(nextCursor, undefined);
    assert.deepEqual(
      items.map((e) => [e.action, e.entityType, e.spaceId]),
      [
        ['update', 'environment', SPACE],
        ['create', 'environment', SPACE],
      ],
    );
    const [upd] = items;
    assert.equal(upd?.before?.description, '');
    assert.equal(upd?.after?.description, 'changed');
    assert.ok(!Number.isNaN(Date.parse(upd?.occurredAt ?? '')));
    // The space may be named instead of given by id.
    assert.equal((await call({ method: 'GET', url: '/api/spaces/default/audit-events' })).statusCode, 200);
  });

  it('filters and pages', async () => {
    const creates = await page('?entityType=environment&action=create');
    assert.ok(creates.items.length >= 2);
    assert.ok(creates.items.every((e) => e.action === 'create' && e.entityType === 'environment'));
    const actor = creates.items[0]?.actor ?? '';
    assert.ok((await page(`?actor=${encodeURIComponent(actor)}`)).items.length >= 1);
    assert.deepEqual((await page('?actor=nobody-at-all')).items, []);
    assert.deepEqual((await page('?from=2999-01-01T00:00:00Z')).items, []);

    const first = await page(`?entityType=environment&limit=1`);
    assert.equal(first.items.length, 1);
    assert.ok(first.nextCursor);
    const second = await page(`?entityType=environment&limit=1&cursor=${first.nextCursor}`);
    assert.equal(second.items.length, 1);
    assert.notEqual(second.items[0]?.id, first.items[0]?.id);
  });

  it('answers 400 naming the field for a bad query, 404 for an unknown space', async () => {
    error(await call({ method: 'GET', url: `${AUDIT}?limit=0` }), 400, 'INVALID_INPUT', /limit/);
    error(await call({ method: 'GET', url: `${AUDIT}?action=rename` }), 400, 'INVALID_INPUT', /action/);
    error(await call({ method: 'GET', url: `${AUDIT}?from=yesterday` }), 400, 'INVALID_INPUT', /from/);
    error(await call({ method: 'GET', url: `${AUDIT}?cursor=zzz` }), 400, 'INVALID_INPUT', /cursor/);
    error(await call({ method: 'GET', url: `${AUDIT}?colour=red` }), 400, 'INVALID_INPUT', /colour/);
    error(
      await call({ method: 'GET', url: '/api/spaces/Nowhere/audit-events' }),
      404,
      'NOT_FOUND',
      /Nowhere/,
    );
  });

  it('cannot be changed through the API', async () => {
    const before = (await page()).items.length;
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      for (const url of [AUDIT, `${AUDIT}/some-id`]) {
        const res = await call({ method, url, payload: {} });
        assert.ok([404, 405].includes(res.statusCode), `${method} ${url}: ${res.statusCode}`);
        error(res, res.statusCode, res.statusCode === 404 ? 'NOT_FOUND' : res.json<ErrorJson>().code);
      }
    }
    assert.equal((await page()).items.length, before);
  });

  it('needs an API key, like every other API route', async () => {
    const res = await app.inject({ method: 'GET', url: AUDIT });
    error(res, 401, 'UNAUTHENTICATED');
  });

  it('is in the OpenAPI document, with its query parameters', async () => {
    const res = await call({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200, res.body);
    const doc = res.json<{
      paths: Record<string, Record<string, { operationId: string; parameters?: { name: string }[] }>>;
    }>();
    const path = doc.paths['/api/spaces/{space}/audit-events'];
    assert.ok(path, Object.keys(doc.paths).join(', '));
    assert.deepEqual(Object.keys(path), ['get']);
    assert.equal(path.get?.operationId, 'listAuditEvents');
    const names = (path.get?.parameters ?? []).map((p) => p.name).sort();
    for (const n of ['space', 'limit', 'cursor', 'entityType', 'entityId', 'actor', 'action', 'from', 'to']) {
      assert.ok(names.includes(n), `missing parameter ${n}: ${names.join(', ')}`);
    }
  });
});
