import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXAMPLES, EXAMPLE_TENANT_VARIABLES, EXAMPLE_VARIABLES } from '../../test/kits/model-examples.js';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import type { ResourceKind } from '../core/model/resource.js';
import { apiRoutes } from './app.js';
import type { RouteSpec } from './route.js';
import { resourceRoutes } from './routes/resources.js';
import {
  createExamples,
  expectError,
  startApi,
  type ApiUnderTest,
} from '../../test/kits/server-resources.js';

const KIND_BY_PLURAL = new Map(Object.values(RESOURCE_KINDS).map((k) => [k.plural, k]));

/** The kind a route is about: the last literal segment of its path that names one. */
function kindOf(route: RouteSpec): ResourceKind {
  const literal = route.path.split('/').filter((s) => !s.startsWith('{') && KIND_BY_PLURAL.has(s));
  const kind = KIND_BY_PLURAL.get(literal.at(-1) ?? '');
  assert.ok(kind, `no kind in ${route.path}`);
  return kind;
}

/** The route's path with its parameters filled in by name (the examples are named, not ided). */
function urlOf(route: RouteSpec): string {
  return route.path
    .replace('{space}', 'Default')
    .replace('{project}', 'web')
    .replace('{id}', () => encodeURIComponent(String(EXAMPLES[kindOf(route).name].name)));
}

/** Bodies that must be refused, and what the message must name. */
function badBodies(route: RouteSpec): [unknown, RegExp][] {
  if (route.path.endsWith('/variables')) {
    if (kindOf(route).name === 'tenant') {
      return [
        [{}, /must be a list/],
        [[{ ...EXAMPLE_TENANT_VARIABLES[0], bogusField: 1 }], /\[0\]/],
      ];
    }
    return [
      [{}, /must be a list/],
      [[{ ...EXAMPLE_VARIABLES[0], name: 42 }], /\[0\]\.name: /],
      [[{ ...EXAMPLE_VARIABLES[0], bogusField: 1 }], /unknown field "bogusField"/],
    ];
  }
  const kind = kindOf(route);
  const example = EXAMPLES[kind.name];
  const first = Object.keys(example)[0]!;
  // A body that is no document at all is named by its root; a union names its discriminator.
  const notADocument = new RegExp(
    `^Invalid ${kind.name}: ${kind.name}: (.*must be an object|\\w+ must be ")`,
  );
  return [
    [{ ...example, bogusField: true }, /unknown field "bogusField"/],
    [{ ...example, [first]: 42 }, new RegExp(`${kind.name}\\.${first}: `)],
    [[example], notADocument],
    [undefined, notADocument],
  ];
}

describe('resource routes refuse bad input', () => {
  let api: ApiUnderTest;
  let mine: RouteSpec[];
  const send = (method: RouteSpec['method'], url: string, payload?: unknown, etag?: string) =>
    api.call({
      method,
      url,
      headers: {
        ...(etag === undefined ? {} : { 'if-match': etag }),
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });

  before(async () => {
    api = await startApi();
    await createExamples(api);
    // The table comes from the server's own route list, so a route added later is covered too.
    const ids = new Set(resourceRoutes(api.deps).map((r) => r.operationId));
    mine = apiRoutes(api.deps).filter((r) => ids.has(r.operationId) && r.path.startsWith('/api/spaces/'));
    assert.ok(mine.length > 50, `only ${mine.length} routes`);
  });
  after(() => api.close());

  it('answers 400 naming the field for a bad body on every write route, and writes nothing', async () => {
    const writes = mine.filter((r) => r.method === 'POST' || r.method === 'PUT');
    assert.equal(writes.length, 24); // 10 creates, 11 replaces, 3 variable sets
    for (const route of writes) {
      const url = urlOf(route);
      const isPut = route.method === 'PUT';
      const before = isPut ? await api.call({ method: 'GET', url }) : undefined;
      if (before) assert.equal(before.statusCode, 200, `${url}: ${before.body}`);
      for (const [body, pattern] of badBodies(route)) {
        const res = await send(route.method, url, body, before ? String(before.headers.etag) : undefined);
        const error = expectError(res, 400, 'INVALID_INPUT', pattern);
        assert.ok(Array.isArray(error.details.issues) && error.details.issues.length > 0, route.operationId);
      }
      if (before) {
        const now = await api.call({ method: 'GET', url });
        assert.equal(now.headers.etag, before.headers.etag, `${route.operationId} wrote something`);
      }
    }
  });

  it('answers 400 naming the parameter for a bad query on every route', async () => {
    for (const route of mine) {
      const url = urlOf(route);
      const cases: [string, RegExp][] = [['bogus=1', /unknown field "bogus"/]];
      if (route.query?.shape.limit)
        cases.push(['limit=0', /limit: limit must be at least 1/], ['cursor=nope', /cursor/]);
      if (route.query?.shape.dryRun) cases.push(['dryRun=maybe', /dryRun: dryRun must be true or false/]);
      for (const [query, pattern] of cases) {
        const res = await send(route.method, `${url}?${query}`, undefined, '"1"');
        const error = expectError(res, 400, 'INVALID_INPUT', pattern);
        assert.ok(Array.isArray(error.details.issues), `${route.operationId}?${query}`);
      }
    }
    const tenants = mine.find((r) => r.operationId === 'listTenants')!;
    expectError(
      await send('GET', `${urlOf(tenants)}?tag=`),
      400,
      'INVALID_INPUT',
      /tag must be a non-empty string/,
    );
  });
});
