/**
 * Promise: no route of the API escapes the permission matrix (src/server/permission-matrix.test.ts):
 * every route the server serves comes from apiRoutes(), which the matrix walks and where a route
 * without a row fails it, and the only routes open without a key are the probes and the API's own
 * documentation, all read-only, the session routes (signing in needs no key) and the web UI's static
 * files.
 *
 * The matrix skips routes declared `auth: 'none'` and cannot see routes registered outside
 * apiRoutes(); this test closes both gaps from the route table fastify actually serves.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { apiRoutes } from '../../src/server/app.js';
import type { RouteSpec } from '../../src/server/route.js';
import { DEFAULT_WEB_ROOT } from '../../src/server/web-ui.js';
import { startApi, type ApiUnderTest } from '../kits/server-resources.js';

/** Open without a key, on purpose: liveness and readiness probes, the API's description and its page. */
const OPEN_ROUTES = ['GET /healthz', 'GET /readyz', 'GET /api/docs', 'GET /api/openapi.json'];
/**
 * Open without a key, on purpose: signing in (POST), who the cookie's session is (GET, 401 without
 * one) and signing out (DELETE, ends only the cookie's own session). Their CSRF, Origin and
 * sign-in limits are tested in src/server/session.test.ts.
 */
const SESSION_ROUTES: Record<string, number> = {
  'POST /api/session': 400,
  'GET /api/session': 401,
  'DELETE /api/session': 204,
};
/** Served by buildServer itself rather than listed in apiRoutes() (it describes that list). */
const OUTSIDE_API_ROUTES = ['GET /api/openapi.json'];

/** The web UI's built files (one static route each when web/dist exists), as `GET /<path>`. */
function webUiFiles(dir = DEFAULT_WEB_ROOT, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? webUiFiles(`${dir}/${e.name}`, `${prefix}/${e.name}`)
      : [key('GET', `${prefix}/${e.name}`)],
  );
}

/** `METHOD path` with every path parameter written `{}` (fastify's and our spellings differ). */
function key(method: string, path: string): string {
  return `${method} ${path.replace(/\{\w+\}|:\w+(\|:\w+)*/g, '{}')}`;
}

/**
 * The routes fastify serves, from its printed route tree (`printRoutes({ commonPrefix: false })`:
 * one node per line, four columns per level, a node's methods in parentheses). HEAD, which
 * fastify adds to every GET, is left out.
 */
function servedRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack.push(path);
    for (const method of (m[3] ?? '').split(', ').filter((x) => x && x !== 'HEAD'))
      routes.push(key(method, path));
  }
  return routes;
}

describe('every route of the API is in the permission matrix', () => {
  let api: ApiUnderTest;
  let declared: RouteSpec[];
  let served: string[];

  before(async () => {
    api = await startApi();
    declared = apiRoutes(api.deps);
    served = servedRoutes(api.app.printRoutes({ commonPrefix: false }));
  });
  after(async () => {
    await api?.close();
  });

  it('reads the served route table (every declared route is found in it)', () => {
    const missing = declared.map((r) => key(r.method, r.path)).filter((k) => !served.includes(k));
    assert.deepEqual(
      missing,
      [],
      'the route tree could not be read; has fastify changed its printRoutes format?',
    );
    assert.ok(served.length > 50, `${served.length} routes`);
  });

  it('serves no route outside apiRoutes(), which the matrix walks', () => {
    const files = webUiFiles();
    assert.deepEqual(
      files.filter((f) => f.startsWith('GET /api')),
      [],
      'the web UI has files under /api',
    );
    const listed = new Set([
      ...declared.map((r) => key(r.method, r.path)),
      ...OUTSIDE_API_ROUTES.map((r) => key(...split(r))),
      ...files,
    ]);
    const outside = served.filter((k) => !listed.has(k));
    assert.deepEqual(
      outside,
      [],
      'routes registered outside apiRoutes() escape the permission matrix: list them in apiRoutes() (src/server/app.ts)',
    );
  });

  it('opens only the probes, the API documentation and the session routes without a key', async () => {
    const open = declared.filter((r) => r.auth === 'none').map((r) => `${r.method} ${r.path}`);
    const unexpected = open.filter((r) => !OPEN_ROUTES.includes(r) && !(r in SESSION_ROUTES));
    assert.deepEqual(
      unexpected,
      [],
      "routes declared auth: 'none' are skipped by the permission matrix: give them a permission " +
        '(and a row in the matrix), or add them to OPEN_ROUTES here if anyone may call them without a key',
    );
    for (const route of OPEN_ROUTES) {
      const [method, url] = split(route);
      assert.equal(method, 'GET', `${route}: an open route must change nothing`);
      const res = await api.app.inject({ method, url });
      assert.notEqual(res.statusCode, 401, `${route} answers without a key`);
    }
    for (const [route, status] of Object.entries(SESSION_ROUTES)) {
      const [method, url] = split(route);
      const res = await api.app.inject({ method, url, ...(method === 'POST' ? { payload: {} } : {}) });
      assert.equal(res.statusCode, status, `${route} without credentials: ${res.body}`);
    }
  });
});

function split(route: string): [string, string] {
  const [method, path] = route.split(' ');
  return [method!, path!];
}
