/** The users and API keys API and GET /api/me, through inject on a PGlite store. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { tempDataDir } from '../../test/helpers/postgres.js';
import { PERMISSIONS } from '../core/model/permissions.js';
import { DEFAULT_SPACE_ID } from '../core/model/space.js';
import { apiKeysRepository, ensureAdministrator } from '../store/api-keys.js';
import { openStore, type Store } from '../store/database.js';
import { testSecrets } from '../../test/kits/secrets.js';
import { buildServer } from './app.js';

interface UserJson {
  id: string;
  name: string;
  isAdmin: boolean;
  disabledAt: string | null;
}
interface KeyJson {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  expiresAt: string | null;
  revokedAt: string | null;
  key?: string;
}
interface MeJson extends UserJson {
  spaces: {
    id: string;
    name: string;
    grants: { role: string; team: { name: string } | null; projectIds: string[] }[];
    permissions: string[];
  }[];
}
interface ErrorJson {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

const TEST = { actor: 'test' };

describe('users and API keys API', () => {
  let store: Store;
  let app: FastifyInstance;
  let adminKey: string;
  let adminId: string;
  let bob: UserJson;
  let bobKey: string;
  let carol: UserJson;
  let carolKey: string;
  const as = (key: string, options: InjectOptions) =>
    app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${key}` } });
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

  before(async () => {
    const dataDir = tempDataDir();
    store = await openStore({ dataDir });
    const first = await ensureAdministrator(store, { dataDir });
    assert.ok(first.key);
    adminKey = first.key;
    app = buildServer({ store, secrets: testSecrets() });
    await app.ready();
    adminId = ok<MeJson>(await as(adminKey, { method: 'GET', url: '/api/me' })).id;
    const repo = apiKeysRepository(store.db);
    for (const name of ['bob', 'carol']) {
      const user = await repo.createUser({ name }, TEST);
      const { key } = await repo.createApiKey(user.id, { name: 'laptop' }, TEST);
      if (name === 'bob') [bob, bobKey] = [{ ...user, disabledAt: null }, key];
      else [carol, carolKey] = [{ ...user, disabledAt: null }, key];
    }
    // bob is a project-scoped contributor through a team.
    await store.db
      .insertInto('resources')
      .values({
        id: 'Teams-web',
        space_id: DEFAULT_SPACE_ID,
        kind: 'team',
        name: 'Web',
        data: JSON.stringify({
          name: 'Web',
          members: [bob.id],
          grants: [{ role: 'project-contributor', projects: ['Projects-web'] }],
        }),
      })
      .execute();
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  describe('GET /api/me', () => {
    it('shows an administrator every permission in every space', async () => {
      const me = ok<MeJson>(await as(adminKey, { method: 'GET', url: '/api/me' }));
      assert.equal(me.name, 'admin');
      assert.equal(me.isAdmin, true);
      assert.deepEqual(
        me.spaces.map((s) => s.name),
        ['Default'],
      );
      assert.deepEqual(me.spaces[0]?.grants, [
        { role: 'administrator', team: null, projectIds: [], environmentIds: [], tenantIds: [] },
      ]);
      assert.deepEqual(me.spaces[0]?.permissions, [...PERMISSIONS]);
    });

    it("shows a member their team's grants and what they may do everywhere", async () => {
      const me = ok<MeJson>(await as(bobKey, { method: 'GET', url: '/api/me' }));
      assert.equal(me.isAdmin, false);
      const space = me.spaces[0];
      assert.deepEqual(space?.grants, [
        {
          role: 'project-contributor',
          team: { id: 'Teams-web', name: 'Web' },
          projectIds: ['Projects-web'],
          environmentIds: [],
          tenantIds: [],
        },
      ]);
      // Project permissions hold only in web, so they are not listed; unscoped ones are.
      assert.ok(space?.permissions.includes('feed.view'));
      assert.ok(space?.permissions.includes('library-set.edit'));
      assert.ok(!space?.permissions.includes('project.view'));
      assert.ok(!space?.permissions.includes('project.edit'));
      assert.ok(!space?.permissions.includes('user.view'));
    });

    it('shows a user without teams nothing', async () => {
      const me = ok<MeJson>(await as(carolKey, { method: 'GET', url: '/api/me' }));
      assert.deepEqual(me.spaces, [{ id: DEFAULT_SPACE_ID, name: 'Default', grants: [], permissions: [] }]);
    });
  });

  describe('users', () => {
    it('lets an administrator create, read and list users', async () => {
      const res = await as(adminKey, {
        method: 'POST',
        url: '/api/users',
        payload: { name: 'dave', isAdmin: true },
      });
      const dave = ok<UserJson>(res, 201);
      assert.equal(res.headers.location, `/api/users/${dave.id}`);
      assert.deepEqual([dave.name, dave.isAdmin, dave.disabledAt], ['dave', true, null]);
      const erin = ok<UserJson>(
        await as(adminKey, { method: 'POST', url: '/api/users', payload: { name: 'Erin' } }),
        201,
      );
      assert.equal(erin.isAdmin, false);
      assert.deepEqual(
        ok<UserJson>(await as(adminKey, { method: 'GET', url: `/api/users/${dave.id}` })),
        dave,
      );
      // Pages of two, by name ignoring case.
      const names: string[] = [];
      let url = '/api/users?limit=2';
      for (;;) {
        const page = ok<{ items: UserJson[]; nextCursor?: string }>(
          await as(adminKey, { method: 'GET', url }),
        );
        assert.ok(page.items.length <= 2);
        names.push(...page.items.map((u) => u.name));
        if (!page.nextCursor) break;
        url = `/api/users?limit=2&cursor=${page.nextCursor}`;
      }
      assert.deepEqual(names, ['admin', 'bob', 'carol', 'dave', 'Erin']);
      const filtered = ok<{ items: UserJson[] }>(
        await as(adminKey, { method: 'GET', url: '/api/users?name=ER' }),
      );
      assert.deepEqual(
        filtered.items.map((u) => u.name),
        ['Erin'],
      );
      const audit = await store.db
        .selectFrom('audit_events')
        .select(['actor', 'action'])
        .where('entity_id', '=', dave.id)
        .execute();
      assert.deepEqual(audit, [{ actor: 'admin', action: 'create' }]);
    });

    it('refuses bad input, taken names and unknown users', async () => {
      const bad = refused(
        await as(adminKey, { method: 'POST', url: '/api/users', payload: { name: '', admin: true } }),
        400,
        'INVALID_INPUT',
      );
      assert.match(bad.message, /user\.name: name must not be empty/);
      assert.match(bad.message, /unknown field "admin"/);
      refused(
        await as(adminKey, { method: 'POST', url: '/api/users', payload: { name: 'BOB' } }),
        409,
        'ALREADY_EXISTS',
      );
      refused(await as(adminKey, { method: 'GET', url: '/api/users/Users-nobody' }), 404, 'NOT_FOUND');
      refused(await as(adminKey, { method: 'GET', url: '/api/users?cursor=nonsense' }), 400, 'INVALID_INPUT');
    });

    it('lets only administrators manage users', async () => {
      for (const options of [
        { method: 'GET', url: '/api/users' },
        { method: 'GET', url: `/api/users/${carol.id}` },
        { method: 'POST', url: '/api/users', payload: { name: 'mallory', isAdmin: true } },
        { method: 'POST', url: `/api/users/${carol.id}/disable` },
      ] as const) {
        const body = refused(await as(bobKey, options), 403, 'FORBIDDEN');
        assert.match(
          body.message,
          /^User "bob" may not user\.(view|edit): only administrators may; ask an administrator/,
        );
      }
      const mallory = await store.db
        .selectFrom('users')
        .select('id')
        .where('name', '=', 'mallory')
        .executeTakeFirst();
      assert.equal(mallory, undefined);
    });

    it('disables a user, whose keys then stop working', async () => {
      const frank = ok<UserJson>(
        await as(adminKey, { method: 'POST', url: '/api/users', payload: { name: 'frank' } }),
        201,
      );
      const key = ok<KeyJson>(
        await as(adminKey, {
          method: 'POST',
          url: `/api/users/${frank.id}/api-keys`,
          payload: { name: 'ci' },
        }),
        201,
      ).key;
      assert.ok(key);
      assert.equal((await as(key, { method: 'GET', url: '/api/me' })).statusCode, 200);
      const disabled = ok<UserJson>(
        await as(adminKey, { method: 'POST', url: `/api/users/${frank.id}/disable` }),
      );
      assert.ok(disabled.disabledAt);
      refused(await as(key, { method: 'GET', url: '/api/me' }), 401, 'UNAUTHENTICATED');
      // Idempotent.
      assert.equal(
        ok<UserJson>(await as(adminKey, { method: 'POST', url: `/api/users/${frank.id}/disable` }))
          .disabledAt,
        disabled.disabledAt,
      );
      const self = refused(
        await as(adminKey, { method: 'POST', url: `/api/users/${adminId}/disable` }),
        400,
        'INVALID_INPUT',
      );
      assert.match(self.message, /cannot disable yourself/);
      refused(
        await as(adminKey, { method: 'POST', url: '/api/users/Users-nobody/disable' }),
        404,
        'NOT_FOUND',
      );
    });
  });

  describe('API keys', () => {
    it('lets users create, list and revoke their own keys', async () => {
      const res = await as(bobKey, {
        method: 'POST',
        url: `/api/users/${bob.id}/api-keys`,
        payload: { name: 'ci', expiresAt: '2099-01-01T00:00:00Z' },
      });
      const created = ok<KeyJson & { key: string }>(res, 201);
      assert.ok(created.key.startsWith(`slw_${created.prefix}_`));
      assert.deepEqual(
        [created.userId, created.name, created.expiresAt],
        [bob.id, 'ci', '2099-01-01T00:00:00.000Z'],
      );
      assert.equal((await as(created.key, { method: 'GET', url: '/api/me' })).statusCode, 200);

      const listRes = await as(bobKey, { method: 'GET', url: `/api/users/${bob.id}/api-keys` });
      const list = ok<{ items: KeyJson[] }>(listRes);
      assert.deepEqual(
        list.items.map((k) => k.name),
        ['laptop', 'ci'],
      );
      // Lists never show a key or its hash.
      assert.ok(list.items.every((k) => !('key' in k) && !('hash' in k)));
      assert.ok(!listRes.body.includes(created.key.slice(-20)));

      const revoke = await as(bobKey, {
        method: 'DELETE',
        url: `/api/users/${bob.id}/api-keys/${created.id}`,
      });
      assert.equal(revoke.statusCode, 204, revoke.body);
      refused(await as(created.key, { method: 'GET', url: '/api/me' }), 401, 'UNAUTHENTICATED');
      const after = ok<{ items: KeyJson[] }>(
        await as(bobKey, { method: 'GET', url: `/api/users/${bob.id}/api-keys` }),
      );
      assert.ok(after.items.find((k) => k.id === created.id)?.revokedAt);
      const audit = await store.db
        .selectFrom('audit_events')
        .select(['actor', 'action'])
        .where('entity_id', '=', created.id)
        .orderBy('occurred_at')
        .execute();
      assert.deepEqual(audit, [
        { actor: 'bob', action: 'create' },
        { actor: 'bob', action: 'update' },
      ]);
    });

    it("refuses other users' keys to anyone but administrators", async () => {
      const carolKeys = ok<{ items: KeyJson[] }>(
        await as(adminKey, { method: 'GET', url: `/api/users/${carol.id}/api-keys` }),
      ).items;
      const carolKeyId = carolKeys[0]?.id;
      assert.ok(carolKeyId);
      for (const [options, permission] of [
        [
          { method: 'POST', url: `/api/users/${carol.id}/api-keys`, payload: { name: 'mine now' } },
          'user.edit',
        ],
        [{ method: 'GET', url: `/api/users/${carol.id}/api-keys` }, 'user.view'],
        [{ method: 'DELETE', url: `/api/users/${carol.id}/api-keys/${carolKeyId}` }, 'user.edit'],
        // Revoking someone else's key through one's own path does not work either.
        [{ method: 'DELETE', url: `/api/users/Users-nobody/api-keys/${carolKeyId}` }, 'user.edit'],
      ] as const) {
        const body = refused(await as(bobKey, options), 403, 'FORBIDDEN');
        assert.equal(body.details.permission, permission);
      }
      refused(
        await as(bobKey, { method: 'DELETE', url: `/api/users/${bob.id}/api-keys/${carolKeyId}` }),
        404,
        'NOT_FOUND',
      );
      assert.equal((await as(carolKey, { method: 'GET', url: '/api/me' })).statusCode, 200, 'still valid');
      // An administrator may.
      const made = ok<KeyJson>(
        await as(adminKey, {
          method: 'POST',
          url: `/api/users/${carol.id}/api-keys`,
          payload: { name: 'ops' },
        }),
        201,
      );
      const gone = await as(adminKey, {
        method: 'DELETE',
        url: `/api/users/${carol.id}/api-keys/${made.id}`,
      });
      assert.equal(gone.statusCode, 204, gone.body);
    });

    it('refuses bad key input', async () => {
      const url = `/api/users/${bob.id}/api-keys`;
      const past = refused(
        await as(bobKey, {
          method: 'POST',
          url,
          payload: { name: 'old', expiresAt: '2001-01-01T00:00:00Z' },
        }),
        400,
        'INVALID_INPUT',
      );
      assert.match(past.message, /expiresAt must be in the future/);
      const bad = refused(
        await as(bobKey, {
          method: 'POST',
          url,
          payload: { name: 'x', expiresAt: 'tomorrow', scope: 'all' },
        }),
        400,
        'INVALID_INPUT',
      );
      assert.match(bad.message, /API key\.expiresAt: expiresAt must be a date and time/);
      assert.match(bad.message, /unknown field "scope"/);
      refused(
        await as(adminKey, {
          method: 'POST',
          url: '/api/users/Users-nobody/api-keys',
          payload: { name: 'x' },
        }),
        404,
        'NOT_FOUND',
      );
    });
  });
});
