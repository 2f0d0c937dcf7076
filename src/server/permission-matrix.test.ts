/**
 * The permission matrix: every route of apiRoutes() (except the open ones) called by an
 * administrator and by each team role unscoped, scoped to the example project/environment/tenant,
 * scoped to others, and scoped to another project only. What each may do comes from the tables
 * below, written from docs/security.md and independent of ROLE_PERMISSIONS: a route refused that
 * should pass, or passed that should be refused, fails here. A route missing from the tables fails
 * too, so a new route must say who may call it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import type { ResourceKindName } from '../core/model/resource.js';
import type { Permission } from '../core/model/permissions.js';
import { apiKeysRepository } from '../store/api-keys.js';
import { workersRepository } from '../store/workers.js';
import { apiRoutes } from './app.js';
import type { RouteSpec } from './route.js';
import { EXAMPLES } from '../../test/kits/model-examples.js';
import {
  createExamples,
  SPACE_URL,
  startApi,
  type ApiUnderTest,
  type ResourceBody,
} from '../../test/kits/server-resources.js';

// ---- What the documentation promises (docs/security.md, "Roles and permissions") ----

type TeamRole = 'viewer' | 'deployer' | 'project-contributor';
const VIEWS: Permission[] = [
  'environment.view',
  'lifecycle.view',
  'project.view',
  'library-set.view',
  'tag-set.view',
  'tenant.view',
  'feed.view',
  'aws-account.view',
  'ecs-target.view',
  'team.view',
];
const ROLE_TABLE: Record<TeamRole, Permission[]> = {
  viewer: VIEWS,
  deployer: [...VIEWS, 'release.create', 'deployment.create', 'interruption.submit', 'task.cancel'],
  'project-contributor': [
    ...VIEWS,
    'release.create',
    'deployment.create',
    'interruption.submit',
    'task.cancel',
    'project.edit',
    'library-set.edit',
  ],
};

type Dim = 'project' | 'environment' | 'tenant';
// Permissions not listed are not restricted by scopes at all.
const DIMENSIONS: Partial<Record<Permission, Dim[]>> = {
  'project.view': ['project'],
  'project.edit': ['project'],
  'release.create': ['project'],
  'deployment.create': ['project', 'environment', 'tenant'],
  'interruption.submit': ['project', 'environment', 'tenant'],
  'task.cancel': ['project', 'environment', 'tenant'],
  'environment.view': ['environment'],
  'tenant.view': ['tenant'],
  'tenant.edit': ['tenant'],
};

/**
 * What a route needs: any valid key, an administrator, a permission, or (worker routes) a worker's
 * key or a registration token, which no API key is.
 */
type Need = 'authenticated' | 'admin' | 'worker' | 'worker-registration' | Permission;
const WORKER_NEEDS: readonly Need[] = ['worker', 'worker-registration'];

// Routes outside the generic resource routes, by "METHOD path". The users' key routes are
// self-service; the matrix calls them on another user, where they need the permission.
const ROUTE_TABLE: Record<string, Need> = {
  'GET /api/me': 'authenticated',
  'GET /api/users': 'user.view',
  'POST /api/users': 'user.edit',
  'GET /api/users/{id}': 'user.view',
  'POST /api/users/{id}/disable': 'user.edit',
  'POST /api/users/{id}/api-keys': 'user.edit',
  'GET /api/users/{id}/api-keys': 'user.view',
  'DELETE /api/users/{id}/api-keys/{keyId}': 'user.edit',
  'PUT /api/users/{id}/password': 'user.edit',
  'GET /api/spaces/{space}/environments': 'environment.view',
  'POST /api/spaces/{space}/environments': 'environment.edit',
  'GET /api/spaces/{space}/environments/{id}': 'environment.view',
  'PATCH /api/spaces/{space}/environments/{id}': 'environment.edit',
  'DELETE /api/spaces/{space}/environments/{id}': 'environment.edit',
  'GET /api/spaces/{space}/audit-events': 'audit.view',
  'GET /api/spaces/{space}/feeds/{id}/tags': 'feed.view',
  'POST /api/spaces/{space}/releases': 'release.create',
  'GET /api/spaces/{space}/releases': 'project.view',
  'GET /api/spaces/{space}/releases/{id}': 'project.view',
  'GET /api/spaces/{space}/releases/{id}/progression': 'project.view',
  'POST /api/spaces/{space}/releases/{id}/snapshot-variables': 'release.create',
  'POST /api/spaces/{space}/deployments': 'deployment.create',
  'POST /api/spaces/{space}/deployments/promote': 'deployment.create',
  'GET /api/spaces/{space}/deployments': 'project.view',
  'GET /api/spaces/{space}/deployments/{id}': 'project.view',
  'GET /api/spaces/{space}/deployments/{id}/log': 'project.view',
  'GET /api/spaces/{space}/deployments/{id}/log/stream': 'project.view',
  'GET /api/spaces/{space}/deployments/{id}/interruptions': 'project.view',
  'POST /api/spaces/{space}/deployments/{id}/cancel': 'task.cancel',
  'POST /api/spaces/{space}/interruptions/{id}/answer': 'interruption.submit',
  'GET /api/spaces/{space}/dashboard': 'project.view',
  'GET /api/spaces/{space}/configuration': 'project.view',
  'POST /api/spaces/{space}/configuration/plan': 'project.edit',
  'POST /api/spaces/{space}/configuration/apply': 'project.edit',
  'POST /api/worker-tokens': 'admin',
  'GET /api/worker-tokens': 'admin',
  'DELETE /api/worker-tokens/{id}': 'admin',
  'GET /api/workers': 'admin',
  'GET /api/workers/{id}': 'admin',
  'POST /api/workers/{id}/disable': 'admin',
  'POST /api/workers/{id}/enable': 'admin',
  'DELETE /api/workers/{id}': 'admin',
  'POST /api/worker/register': 'worker-registration',
  'POST /api/worker/lease': 'worker',
  'POST /api/worker/tasks/{id}/events': 'worker',
  'POST /api/worker/tasks/{id}/complete': 'worker',
};

// The area of the generic resource routes, by the collection under the space; everything under
// a project (channels, process, variables) belongs to the project.
const AREAS: Record<string, string> = {
  'tag-sets': 'tag-set',
  feeds: 'feed',
  'aws-accounts': 'aws-account',
  lifecycles: 'lifecycle',
  'library-sets': 'library-set',
  projects: 'project',
  tenants: 'tenant',
  'ecs-targets': 'ecs-target',
  teams: 'team',
};

function need(route: RouteSpec): Need {
  const listed = ROUTE_TABLE[`${route.method} ${route.path}`];
  if (listed) return listed;
  const area = /^\/api\/spaces\/\{space\}\/([a-z-]+)/.exec(route.path)?.[1];
  const areaName = area === undefined ? undefined : AREAS[area];
  assert.ok(
    areaName,
    `The permission matrix does not know ${route.method} ${route.path}: add it to ROUTE_TABLE or AREAS.`,
  );
  return `${areaName}.${route.method === 'GET' ? 'view' : 'edit'}` as Permission;
}

/** The dimensions a route's path names (the example's ids fill them). */
function pathScope(route: RouteSpec): Set<Dim> {
  const dims = new Set<Dim>();
  if (route.path.includes('{project}') || route.path.includes('/projects/{id}')) dims.add('project');
  if (route.path.includes('/environments/{id}')) dims.add('environment');
  if (route.path.includes('/tenants/{id}')) dims.add('tenant');
  return dims;
}

// ---- The bodies ----

// A malformed body is a 400 before any scope refusal (auth.ts), so each route that checks a scope
// gets a body its schema accepts: then only access decides between 403 and the handler's answer.
// Each names things that do not exist or already exist, so an allowed call changes nothing the
// later calls rely on (409 name taken, 404, 428 without If-Match).
const BODIES: Record<string, unknown> = {
  'POST /api/spaces/{space}/environments': { name: 'Dev' },
  'PATCH /api/spaces/{space}/environments/{id}': { description: 'matrix' },
  // The project does not exist: a restricted grant cannot cover it, an unrestricted one gets 404.
  'POST /api/spaces/{space}/releases': { project: 'no-such-project' },
  'POST /api/spaces/{space}/deployments': { release: 'Releases-none', environment: 'Dev' },
  'POST /api/spaces/{space}/deployments/promote': { project: 'web', from: 'Dev', to: 'Prod' },
  'POST /api/spaces/{space}/interruptions/{id}/answer': { answer: 'proceed' },
};

/** The body the matrix sends to `route`: from BODIES, a kind's example for a create, [] for variables. */
function bodyFor(route: RouteSpec): unknown {
  const listed = BODIES[`${route.method} ${route.path}`];
  if (listed !== undefined) return listed;
  if (route.method === 'PUT' && route.path.endsWith('/variables')) return [];
  const plural = /\/([a-z-]+)$/.exec(route.path)?.[1];
  const kind = Object.values(RESOURCE_KINDS).find((k) => k.plural === plural);
  if (route.method === 'POST' && kind !== undefined) return EXAMPLES[kind.name];
  return {};
}

// ---- The callers ----

type Variant = 'unscoped' | 'example' | 'other' | 'other project';
interface Caller {
  name: string;
  key: string;
  role: TeamRole | 'administrator';
  variant: Variant;
}
const VARIANTS: Variant[] = ['unscoped', 'example', 'other', 'other project'];

/** The grant of a variant's team, by name (the store turns names into ids). */
function grantFor(role: TeamRole, variant: Variant): Record<string, unknown> {
  switch (variant) {
    case 'unscoped':
      return { role };
    case 'example':
      return { role, projects: ['web'], environments: ['Dev'], tenants: ['Acme'] };
    case 'other':
      return { role, projects: ['api'], environments: ['Prod'], tenants: ['Globex'] };
    case 'other project':
      return { role, projects: ['api'] };
  }
}

/** Whether `caller` may call `route` on the examples, by the tables above. */
function expectedAllowed(caller: Caller, route: RouteSpec): boolean {
  if (caller.role === 'administrator') return true;
  const needed = need(route);
  if (needed === 'authenticated') return true;
  // No API key is a worker's key or a registration token.
  if (needed === 'admin' || needed === 'worker' || needed === 'worker-registration') return false;
  if (!ROLE_TABLE[caller.role].includes(needed)) return false;
  const named = pathScope(route);
  // A list names nothing: the caller holds the permission somewhere, and the list is filtered.
  if (named.size === 0 && route.method === 'GET') return true;
  return (DIMENSIONS[needed] ?? []).every((dim) => {
    const restricted =
      caller.variant === 'example' ||
      caller.variant === 'other' ||
      (caller.variant === 'other project' && dim === 'project');
    if (!restricted) return true;
    // Restricted: the path must name the example (a create names nothing: refused).
    return named.has(dim) && caller.variant === 'example';
  });
}

// ---- The test ----

describe('permission matrix', () => {
  let api: ApiUnderTest;
  let routes: RouteSpec[];
  let examples: Record<ResourceKindName, ResourceBody>;
  let admin: Caller;
  const callers: Caller[] = [];
  // A worker's key and a registration token, for the worker routes and for refusals elsewhere.
  const workerCredentials: { key: string; token: string; removedKey: string; disabledKey: string } = {
    key: '',
    token: '',
    removedKey: '',
    disabledKey: '',
  };
  const params: Record<string, string> = {};
  // Path parameter `{id}` by the collection it follows.
  const idAfter: Record<string, string> = {};

  const as = (key: string | undefined, options: InjectOptions) =>
    api.app.inject({
      ...options,
      headers: { ...options.headers, ...(key === undefined ? {} : { authorization: `Bearer ${key}` }) },
    });
  const ok = async (res: Promise<LightMyRequestResponse>, status: number) => {
    const r = await res;
    assert.equal(r.statusCode, status, r.body);
    return r.json<{ id: string }>();
  };

  /** The request for `route` on the examples (a valid body where it takes one, else an empty one). */
  function requestFor(route: RouteSpec): InjectOptions {
    const url = route.path.replace(/\/([a-z-]+)\/\{(\w+)\}|\{(\w+)\}/g, (whole, segment, name, bare) => {
      if (bare !== undefined) return params[String(bare)] ?? 'unknown';
      if (name === 'id') return `/${String(segment)}/${idAfter[String(segment)] ?? 'unknown'}`;
      return `/${String(segment)}/${params[String(name)] ?? 'unknown'}`;
    });
    const withBody = route.method !== 'GET' && route.method !== 'DELETE';
    return { method: route.method, url, ...(withBody ? { payload: bodyFor(route) as object } : {}) };
  }

  before(async () => {
    api = await startApi();
    routes = apiRoutes(api.deps).filter((r) => r.auth !== 'none');
    examples = await createExamples(api);
    const users = apiKeysRepository(api.store.db);
    const by = { actor: 'test' };

    // The "other" things a scope may name.
    await ok(
      api.call({
        method: 'POST',
        url: `${SPACE_URL}/projects`,
        payload: { name: 'api', lifecycle: 'Standard' },
      }),
      201,
    );
    await ok(api.call({ method: 'POST', url: `${SPACE_URL}/tenants`, payload: { name: 'Globex' } }), 201);
    const envs = (await ok(
      api.call({ method: 'GET', url: `${SPACE_URL}/environments` }),
      200,
    )) as unknown as { items: { id: string; name: string }[] };
    const dev = envs.items.find((e) => e.name === 'Dev');
    assert.ok(dev);

    const root = await users.createUser({ name: 'root', isAdmin: true }, by);
    admin = {
      name: 'root',
      key: (await users.createApiKey(root.id, { name: 'matrix' }, by)).key,
      role: 'administrator',
      variant: 'unscoped',
    };
    callers.push(admin);
    for (const role of ['viewer', 'deployer', 'project-contributor'] as const) {
      for (const variant of VARIANTS) {
        const name = `${role}-${variant.replace(' ', '-')}`;
        const user = await users.createUser({ name }, by);
        const { key } = await users.createApiKey(user.id, { name: 'matrix' }, by);
        await ok(
          api.call({
            method: 'POST',
            url: `${SPACE_URL}/teams`,
            payload: { name: `${name} team`, members: [name], grants: [grantFor(role, variant)] },
          }),
          201,
        );
        callers.push({ name, key, role, variant });
      }
    }

    // The user the users routes act on, with a key to revoke.
    const zed = await users.createUser({ name: 'zed' }, by);
    const zedKey = await users.createApiKey(zed.id, { name: 'zed' }, by);
    Object.assign(params, { space: 'Default', project: examples.project.id, keyId: zedKey.id });
    Object.assign(idAfter, { environments: dev.id, users: zed.id });
    for (const [plural, area] of Object.entries(AREAS)) {
      idAfter[plural] = examples[area as ResourceKindName].id;
    }
    idAfter.channels = examples.channel.id;

    // Workers: one the admin routes act on (and remove), one whose key calls the worker routes,
    // one removed and one disabled; tokens likewise.
    const workers = workersRepository(api.store.db);
    const target = await workers.createToken({ name: 'matrix target' }, by);
    const { info, token } = await workers.createToken({ name: 'matrix' }, by);
    const register = async (name: string) =>
      workers.register(info, { name, pool: 'matrix', version: '0.0.0' }, by);
    idAfter['worker-tokens'] = target.info.id;
    idAfter.workers = (await register('target')).worker.id;
    workerCredentials.token = token;
    workerCredentials.key = (await register('caller')).key;
    const removed = await register('removed');
    await workers.remove(removed.worker.id, by);
    workerCredentials.removedKey = removed.key;
    const disabled = await register('disabled');
    await workers.setDisabled(disabled.worker.id, true, by);
    workerCredentials.disabledKey = disabled.key;
  });
  after(async () => {
    await api?.close();
  });

  it('names the user, the permission and the scope in a refusal', async () => {
    const caller = callers.find((c) => c.name === 'viewer-other');
    assert.ok(caller);
    const res = await as(caller.key, { method: 'GET', url: `${SPACE_URL}/projects/${examples.project.id}` });
    assert.equal(res.statusCode, 403, res.body);
    const body = res.json<{ message: string; details: Record<string, unknown> }>();
    assert.equal(
      body.message,
      'User "viewer-other" may not project.view in project "web" of space "Default": ask an administrator ' +
        'to add you to a team with a role that allows it.',
    );
    assert.deepEqual(body.details, {
      user: 'viewer-other',
      permission: 'project.view',
      scope: { projectId: examples.project.id },
      space: 'Spaces-1',
    });
  });

  it('shows each caller only the environments, projects and tenants their grants cover', async () => {
    const names = async (caller: Caller, collection: string) => {
      const res = await as(caller.key, { method: 'GET', url: `${SPACE_URL}/${collection}` });
      assert.equal(res.statusCode, 200, res.body);
      return res
        .json<{ items: { name: string }[] }>()
        .items.map((i) => i.name)
        .sort();
    };
    const byName = (name: string) => callers.find((c) => c.name === name)!;
    assert.deepEqual(await names(byName('viewer-example'), 'environments'), ['Dev']);
    assert.deepEqual(await names(byName('viewer-other'), 'environments'), ['Prod']);
    assert.deepEqual(await names(byName('viewer-other-project'), 'environments'), ['Dev', 'Prod']);
    assert.deepEqual(await names(byName('deployer-unscoped'), 'environments'), ['Dev', 'Prod']);
    assert.deepEqual(await names(byName('viewer-example'), 'projects'), ['web']);
    assert.deepEqual(await names(byName('deployer-other-project'), 'projects'), ['api']);
    assert.deepEqual(await names(byName('viewer-unscoped'), 'projects'), ['api', 'web']);
    assert.deepEqual(await names(byName('viewer-example'), 'tenants'), ['Acme']);
    assert.deepEqual(await names(byName('viewer-other'), 'tenants'), ['Globex']);
    assert.deepEqual(await names(byName('viewer-other-project'), 'tenants'), ['Acme', 'Globex']);
  });

  it('lets each caller do exactly what the tables say, on every route', async () => {
    // Deletes last (deepest paths first, so children go before their parents), and on each route
    // the callers to be refused before the ones allowed, so nothing is gone before a refusal.
    // The worker routes take no API key at all (their own test below).
    const ordered = routes
      .filter((r) => !WORKER_NEEDS.includes(need(r)))
      .sort((a, b) => {
        const rank = (r: RouteSpec) => (r.method === 'DELETE' ? 1000 - r.path.split('/').length : 0);
        return rank(a) - rank(b);
      });
    const failures: string[] = [];
    let refusedCount = 0;
    let allowedCount = 0;
    for (const route of ordered) {
      const request = requestFor(route);
      const plan = callers
        .map((caller) => ({ caller, allowed: expectedAllowed(caller, route) }))
        .sort((a, b) => Number(a.allowed) - Number(b.allowed));
      for (const { caller, allowed } of plan) {
        const res = await as(caller.key, request);
        const what = `${caller.name}: ${route.method} ${route.path} (${request.url})`;
        if (allowed) {
          allowedCount++;
          if (res.statusCode === 401 || res.statusCode === 403) {
            failures.push(`${what} should be allowed, got ${res.statusCode} ${res.body.slice(0, 300)}`);
          }
        } else {
          refusedCount++;
          if (res.statusCode !== 403)
            failures.push(`${what} should be 403, got ${res.statusCode} ${res.body.slice(0, 300)}`);
          else if (res.json<{ code: string }>().code !== 'FORBIDDEN') failures.push(`${what}: ${res.body}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    // Not vacuous: both outcomes occur many times.
    assert.ok(refusedCount > 100 && allowedCount > 100, `${refusedCount} refused, ${allowedCount} allowed`);
  });

  it('sends every route that checks a scope a body its schema accepts', () => {
    for (const route of routes) {
      if (route.body === undefined || typeof route.auth !== 'object' || route.auth.scope === undefined)
        continue;
      if (route.body.validateFirst === false) continue;
      const parsed = route.body.schema.safeParse(bodyFor(route));
      assert.ok(
        parsed.success,
        `${route.method} ${route.path}: add a valid body to BODIES (${parsed.error?.message})`,
      );
    }
  });

  it('checks what routes declare against the tables', () => {
    for (const route of routes) {
      const declared = route.auth ?? 'admin';
      const needed = need(route);
      if (typeof declared === 'object') {
        assert.equal(declared.permission, needed, `${route.method} ${route.path}`);
      } else {
        // Self-service routes check the permission in the handler when the caller is not the user.
        assert.ok(declared === needed || declared === 'authenticated', `${route.method} ${route.path}`);
      }
    }
  });

  it('takes worker keys and registration tokens on the worker routes only, and no API key there', async () => {
    const { key, token, removedKey, disabledKey } = workerCredentials;
    const failures: string[] = [];
    let workerCalls = 0;
    for (const route of routes) {
      const needed = need(route);
      const request = requestFor(route);
      // A lease would wait for a task: ask for none.
      if (route.path === '/api/worker/lease') request.payload = { waitSeconds: 0 };
      const expect = async (label: string, credential: string, allowed: boolean) => {
        const res = await as(credential, request);
        const refused = res.statusCode === 401 || res.statusCode === 403;
        if (allowed !== !refused || (!allowed && res.statusCode !== 401)) {
          failures.push(
            `${label} on ${route.method} ${route.path}: ${res.statusCode} ${res.body.slice(0, 200)}`,
          );
        }
      };
      await expect('worker key', key, needed === 'worker');
      await expect('registration token', token, needed === 'worker-registration');
      await expect('removed worker key', removedKey, false);
      if (WORKER_NEEDS.includes(needed)) {
        workerCalls++;
        await expect('administrator key', admin.key, false);
        await expect('disabled worker key', disabledKey, needed === 'worker');
      }
    }
    assert.deepEqual(failures, []);
    assert.equal(workerCalls, 4);
  });

  it('answers 401 on every route to no key, an expired or revoked key, and a disabled user', async () => {
    const users = apiKeysRepository(api.store.db);
    const by = { actor: 'test' };
    // Administrators, so that nothing but the key could refuse them.
    const old = await users.createUser({ name: 'old-admin', isAdmin: true }, by);
    const expired = await users.createApiKey(old.id, { name: 'expired' }, by);
    await api.store.db
      .updateTable('api_keys')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('id', '=', expired.id)
      .execute();
    const revoked = await users.createApiKey(old.id, { name: 'revoked' }, by);
    await users.revokeApiKey(revoked.id, by);
    const gone = await users.createUser({ name: 'gone-admin', isAdmin: true }, by);
    const disabled = await users.createApiKey(gone.id, { name: 'disabled' }, by);
    await users.disableUser(gone.id, by);
    for (const route of routes) {
      for (const [label, key] of [
        ['no key', undefined],
        ['expired', expired.key],
        ['revoked', revoked.key],
        ['disabled', disabled.key],
      ] as const) {
        const res = await as(key, requestFor(route));
        assert.equal(res.statusCode, 401, `${label}: ${route.method} ${route.path}: ${res.body}`);
      }
    }
  });
});
