/**
 * The API's boundary on every route of apiRoutes(): unusable characters (NUL, other control
 * characters, lone surrogates) in a path parameter, the query and the body are a 400 naming the
 * field, never a 500, and a dry run refuses what the write refuses; a malformed body is a 400
 * before a scope refusal; responses to changes are never cached; names, versions and feed URLs
 * follow the model's rules through the API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { apiKeysRepository } from '../store/api-keys.js';
import { apiRoutes } from './app.js';
import type { RouteSpec } from './route.js';
import {
  createExamples,
  expectError,
  SPACE_URL,
  startApi,
  type ApiUnderTest,
  type ResourceBody,
} from '../../test/kits/server-resources.js';
import type { ResourceKindName } from '../core/model/resource.js';

/** The example's value of each path parameter, by the segment before it (`{id}` after `projects`). */
function urlFor(route: RouteSpec, values: Record<string, string>, bad?: { param: string; value: string }) {
  return route.path.replace(/\/([a-z-]+)\/\{(\w+)\}|\{(\w+)\}/g, (whole, segment, name, bare) => {
    const param = String(bare ?? name);
    const key = param === 'id' ? `id:${String(segment)}` : param;
    const value = bad?.param === param ? bad.value : (values[key] ?? values[param] ?? 'unknown');
    return bare !== undefined ? value : `/${String(segment)}/${value}`;
  });
}

function paramsOf(route: RouteSpec): string[] {
  return [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

describe('the boundary of every route', () => {
  let api: ApiUnderTest;
  let routes: RouteSpec[];
  let examples: Record<ResourceKindName, ResourceBody>;
  const values: Record<string, string> = {};

  before(async () => {
    api = await startApi();
    routes = apiRoutes(api.deps);
    examples = await createExamples(api);
    Object.assign(values, {
      space: 'Default',
      project: examples.project.id,
      keyId: 'ApiKeys-none',
      'id:projects': examples.project.id,
      'id:tenants': examples.tenant.id,
      'id:feeds': examples.feed.id,
      'id:channels': examples.channel.id,
    });
  });
  after(async () => {
    await api?.close();
  });

  const expectNamed = (res: LightMyRequestResponse, what: string, field: string, character: RegExp) => {
    const body = expectError(res, 400, 'INVALID_INPUT');
    const issues = body.details.issues as string[];
    assert.ok(
      issues.some((i) => i.startsWith(`${field}: `) && character.test(i)),
      `${what}: ${JSON.stringify(issues)} should name ${field}`,
    );
    // The message quotes no raw control character or lone surrogate back.
    assert.doesNotMatch(res.body, /\\u0000|\\ud800/i, what);
  };

  it('answers 400 naming the path parameter, never 500, to a NUL in any of them', async () => {
    let checked = 0;
    for (const route of routes) {
      for (const param of paramsOf(route)) {
        const url = urlFor(route, values, { param, value: 'a%00b' });
        const res = await api.call({ method: route.method, url, ...(route.body ? { payload: {} } : {}) });
        expectNamed(res, `${route.method} ${route.path} {${param}}`, `path.${param}`, /NUL character/);
        checked++;
      }
    }
    assert.ok(checked > 100, `${checked} parameters checked`);
  });

  it('answers 400 naming the query parameter to a NUL, a control character or a lone surrogate', async () => {
    for (const route of routes) {
      const name = Object.keys(route.query?.shape ?? {})[0] ?? 'x';
      for (const [value, character] of [
        ['a%00b', /NUL character/],
        ['a%1Bb', /control character U\+001B/],
        ['a%0Ab', /line breaks/],
      ] as const) {
        const res = await api.call({
          method: route.method,
          url: `${urlFor(route, values)}?${name}=${value}`,
          ...(route.body ? { payload: {} } : {}),
        });
        expectNamed(res, `${route.method} ${route.path}?${name}=${value}`, `query.${name}`, character);
      }
    }
  });

  it('answers 400 naming the body field to a NUL or a lone surrogate, dry run or not', async () => {
    // Worker routes refuse an API key before they read a body; test/e2e/workers.test.ts sends them bodies.
    const withBody = routes.filter(
      (r) => r.body !== undefined && r.auth !== 'worker' && r.auth !== 'worker-registration',
    );
    assert.ok(withBody.length > 20, `${withBody.length} routes take a body`);
    for (const route of withBody) {
      for (const query of route.query?.shape.dryRun ? ['', '?dryRun=true'] : ['']) {
        for (const [text, character] of [
          ['a\u0000b', /NUL character/],
          ['a\ud800b', /lone surrogate \(U\+D800\)/],
        ] as const) {
          const res = await api.call({
            method: route.method,
            url: urlFor(route, values) + query,
            headers: { 'content-type': 'application/json', 'if-match': '"1"' },
            // Raw JSON: inject would send a lone surrogate as U+FFFD.
            payload: `{"name":"ok","notes":${JSON.stringify(text).replace('\ud800', '\\ud800')}}`,
          });
          const root = route.body?.root ?? '';
          const field = `${root || (res.json<{ details: { issues: string[] } }>().details.issues[0] ?? '').split('.')[0]}.notes`;
          expectNamed(res, `${route.method} ${route.path}${query}`, field, character);
        }
      }
    }
  });

  it('answers 400 to a NUL in a key of the body, naming where', async () => {
    const res = await api.call({
      method: 'POST',
      url: `${SPACE_URL}/deployments`,
      headers: { 'content-type': 'application/json' },
      payload: '{"release":"R","environment":"Dev","prompted":{"A\\u0000":"x"}}',
    });
    expectNamed(res, 'prompted key', 'deployment.prompted', /a key of prompted must not contain a NUL/);
  });
});

describe('malformed bodies before scope refusals', () => {
  let api: ApiUnderTest;
  let webDeployer: string;
  let apiDeployer: string;

  before(async () => {
    api = await startApi();
    await createExamples(api);
    const res = await api.call({
      method: 'POST',
      url: `${SPACE_URL}/projects`,
      payload: { name: 'api', lifecycle: 'Standard' },
    });
    assert.equal(res.statusCode, 201, res.body);
    const users = apiKeysRepository(api.store.db);
    const by = { actor: 'test' };
    const keyFor = async (name: string, projects: string[]) => {
      const user = await users.createUser({ name }, by);
      const team = await api.call({
        method: 'POST',
        url: `${SPACE_URL}/teams`,
        payload: { name: `${name} team`, members: [name], grants: [{ role: 'deployer', projects }] },
      });
      assert.equal(team.statusCode, 201, team.body);
      return (await users.createApiKey(user.id, { name: 'k' }, by)).key;
    };
    webDeployer = await keyFor('web-deployer', ['web']);
    apiDeployer = await keyFor('api-deployer', ['api']);
  });
  after(async () => {
    await api?.close();
  });

  const as = (key: string, options: InjectOptions) =>
    api.app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${key}` } });

  it('answers 400 naming the field to a scoped caller whose body names no scope', async () => {
    for (const [url, payload, pattern] of [
      [`${SPACE_URL}/releases`, { project: 5 }, /release\.project: project must be a string/],
      [`${SPACE_URL}/releases`, {}, /release\.project: project is required/],
      [
        `${SPACE_URL}/releases`,
        { project: 'web', version: 'x y' },
        /release\.version: version must be a version/,
      ],
      [`${SPACE_URL}/deployments`, { release: [] }, /deployment\.release: release must be a string/],
      [`${SPACE_URL}/deployments/promote`, { project: 'web' }, /promotion\.from: from must be a string/],
    ] as const) {
      expectError(await as(webDeployer, { method: 'POST', url, payload }), 400, 'INVALID_INPUT', pattern);
    }
  });

  it('still answers 403 to a well-formed body naming a project outside the grant', async () => {
    const res = await as(apiDeployer, {
      method: 'POST',
      url: `${SPACE_URL}/releases`,
      payload: { project: 'web', version: '1.0.0' },
    });
    expectError(res, 403, 'FORBIDDEN', /may not release\.create in project "web"/);
  });
});

describe('rules of the model through the API', () => {
  let api: ApiUnderTest;
  let examples: Record<ResourceKindName, ResourceBody>;

  before(async () => {
    api = await startApi();
    examples = await createExamples(api);
  });
  after(async () => {
    await api?.close();
  });

  it('refuses a feed URL with credentials at create and at replace, dry run included', async () => {
    const url = 'https://ci:s3cret@registry.example.com';
    const created = await api.call({
      method: 'POST',
      url: `${SPACE_URL}/feeds`,
      payload: { name: 'Private', type: 'docker', url },
    });
    const body = expectError(
      created,
      400,
      'INVALID_INPUT',
      /feed\.url: url must not contain a username or password/,
    );
    assert.match(body.message, /username and password fields/);
    assert.doesNotMatch(created.body, /s3cret/);
    const feed = `${SPACE_URL}/feeds/${examples.feed.id}`;
    const read = await api.call({ method: 'GET', url: feed });
    for (const query of ['', '?dryRun=true']) {
      const replaced = await api.call({
        method: 'PUT',
        url: feed + query,
        headers: { 'if-match': String(read.headers.etag) },
        payload: { ...read.json<Record<string, unknown>>(), url },
      });
      expectError(replaced, 400, 'INVALID_INPUT', /feed\.url: url must not contain a username or password/);
    }
  });

  it('refuses names that show nothing or reverse the text after them', async () => {
    for (const name of ['\u200b', '\u200b\u200d', 'web\u202Eshop']) {
      const res = await api.call({ method: 'POST', url: `${SPACE_URL}/tag-sets`, payload: { name } });
      expectError(
        res,
        400,
        'INVALID_INPUT',
        /tag-set\.name: name must (contain a visible|not contain the direction)/,
      );
    }
    const env = await api.call({
      method: 'POST',
      url: `${SPACE_URL}/environments`,
      payload: { name: '\u200b' },
    });
    expectError(env, 400, 'INVALID_INPUT', /environment\.name: name must contain a visible character/);
  });

  it('refuses release versions that are not versions', async () => {
    for (const version of ['../../x', 'not a version!!']) {
      const res = await api.call({
        method: 'POST',
        url: `${SPACE_URL}/releases`,
        payload: { project: 'web', version, packageVersion: '1.0.0' },
      });
      expectError(res, 400, 'INVALID_INPUT', /release\.version: version must be a version such as 1\.2\.3/);
    }
  });

  it('says a too-long value is too long', async () => {
    const res = await api.call({
      method: 'POST',
      url: `${SPACE_URL}/releases`,
      payload: { project: 'web', notes: 'x'.repeat(100_001) },
    });
    expectError(res, 400, 'INVALID_INPUT', /release\.notes: notes must be at most 100000 characters/);
  });

  it('never lets a cache keep the answer to a change (a new API key is in one)', async () => {
    const me = (await api.call({ method: 'GET', url: '/api/me' })).json<{ id: string }>();
    const key = await api.call({
      method: 'POST',
      url: `/api/users/${me.id}/api-keys`,
      payload: { name: 'ci' },
    });
    assert.equal(key.statusCode, 201, key.body);
    assert.match(key.body, /"key":"slw_/);
    assert.equal(key.headers['cache-control'], 'no-store');
    const refused = await api.call({ method: 'POST', url: `/api/users/${me.id}/api-keys`, payload: {} });
    assert.equal(refused.headers['cache-control'], 'no-store');
    const read = await api.call({ method: 'GET', url: `/api/users/${me.id}/api-keys` });
    assert.equal(read.headers['cache-control'], undefined);
  });
});
