import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXAMPLES, EXAMPLE_ORDER } from '../../test/kits/model-examples.js';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import type { ResourceKind, ResourceKindName } from '../core/model/resource.js';
import { DEFAULT_SPACE_ID } from '../core/model/space.js';
import {
  SPACE_URL,
  assertNoSecretShown,
  collectionUrl,
  createExamples,
  exampleSecrets,
  expectError,
  itemUrl,
  startApi,
  valuesAt,
  type ApiUnderTest,
  type ResourceBody,
} from '../../test/kits/server-resources.js';

interface PageBody {
  items: ResourceBody[];
  nextCursor?: string;
}

const KINDS = EXAMPLE_ORDER.map((name) => RESOURCE_KINDS[name]);
const LISTED = KINDS.filter((k) => !k.singleton);

// One change per kind that the replace tests make: a description, or for the process a step less.
function changed(kind: ResourceKind, doc: ResourceBody): ResourceBody {
  if (kind.name === 'process') return { ...doc, steps: (doc.steps as unknown[]).slice(0, -1) };
  return { ...doc, description: `Changed by the API test (${kind.name}).` };
}

describe('resource routes', () => {
  let api: ApiUnderTest;
  let made: Record<ResourceKindName, ResourceBody>;
  const get = async (url: string) => {
    const res = await api.call({ method: 'GET', url });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return { body: res.json<ResourceBody>(), etag: String(res.headers.etag) };
  };
  const list = async (url: string) => {
    const res = await api.call({ method: 'GET', url });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json<PageBody>();
  };

  before(async () => {
    api = await startApi();
  });
  after(() => api.close());

  it('creates an example of every kind, with Location, ETag and flat JSON', async () => {
    made = await createExamples(api);
    const project = made.project;
    for (const kind of KINDS) {
      const r = made[kind.name];
      assert.equal(r.spaceId, DEFAULT_SPACE_ID, kind.name);
      assert.match(r.id, new RegExp(`^${kind.idPrefix}-`), kind.name);
      assert.equal(r.projectId, kind.parent === 'project' ? project.id : undefined, kind.name);
      for (const field of Object.keys(EXAMPLES[kind.name])) assert.ok(field in r, `${kind.name}.${field}`);
      for (const path of kind.secretFields) assert.deepEqual(valuesAt(r, path), [{ set: true }], kind.name);
      if (kind.singleton) continue;
      assert.equal(r.version, 1, kind.name);
      assert.equal(r.name, EXAMPLES[kind.name].name, kind.name);
    }
    // References named by name are stored and shown as ids.
    assert.equal(made.project.lifecycle, made.lifecycle.id);
    assert.equal(made.process.steps instanceof Array && made.process.steps.length, 3);

    const res = await api.call({
      method: 'POST',
      url: collectionUrl(RESOURCE_KINDS.lifecycle),
      payload: { name: 'Short' },
    });
    assert.equal(res.statusCode, 201, res.body);
    const short = res.json<ResourceBody>();
    assert.equal(res.headers.location, `/api/spaces/${DEFAULT_SPACE_ID}/lifecycles/${short.id}`);
    assert.equal(res.headers.etag, '"1"');
    const channel = await api.call({
      method: 'POST',
      url: collectionUrl(RESOURCE_KINDS.channel),
      payload: { name: 'Stable' },
    });
    assert.equal(channel.statusCode, 201, channel.body);
    const stable = channel.json<ResourceBody>();
    assert.equal(
      channel.headers.location,
      `/api/spaces/${DEFAULT_SPACE_ID}/projects/${project.id}/channels/${stable.id}`,
    );
    assert.equal(stable.projectId, project.id);
    expectError(
      await api.call({
        method: 'POST',
        url: collectionUrl(RESOURCE_KINDS.lifecycle),
        payload: { name: 'SHORT' },
      }),
      409,
      'ALREADY_EXISTS',
    );
  });

  it('reads every kind by id and by name (ignoring case), with 304 for a current ETag', async () => {
    for (const kind of KINDS) {
      const r = made[kind.name];
      const byId = await get(
        itemUrl(kind, r.id, made.project.id).replace(SPACE_URL, `/api/spaces/${DEFAULT_SPACE_ID}`),
      );
      assert.equal(byId.etag, `"${r.version}"`, kind.name);
      const byName = await get(
        itemUrl(kind, r.name.toUpperCase(), 'WEB').replace(SPACE_URL, '/api/spaces/default'),
      );
      assert.deepEqual(byName.body, byId.body, kind.name);
      const fresh = await api.call({
        method: 'GET',
        url: itemUrl(kind, r.id),
        headers: { 'if-none-match': byId.etag },
      });
      assert.equal(fresh.statusCode, 304, kind.name);
      assert.equal(fresh.body, '');
      assert.equal(fresh.headers.etag, byId.etag);
    }
  });

  it('lists every kind, and only its own', async () => {
    for (const kind of LISTED) {
      const page = await list(collectionUrl(kind));
      assert.ok(
        page.items.some((r) => r.id === made[kind.name].id),
        kind.name,
      );
      assert.ok(
        page.items.every((r) => r.id.startsWith(`${kind.idPrefix}-`)),
        kind.name,
      );
    }
  });

  it('pages with cursors, filters by name and by each kind’s list filters', async () => {
    const tagSets = collectionUrl(RESOURCE_KINDS['tag-set']);
    for (let i = 0; i < 5; i++) {
      const res = await api.call({ method: 'POST', url: tagSets, payload: { name: `Page ${i}` } });
      assert.equal(res.statusCode, 201, res.body);
    }
    const names: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list(
        `${tagSets}?limit=2&name=PAGE${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      names.push(...page.items.map((r) => r.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.deepEqual(names, ['Page 0', 'Page 1', 'Page 2', 'Page 3', 'Page 4']);
    assert.equal(pages, 3);

    const names0 = async (url: string) => (await list(url)).items.map((r) => r.name);
    const tenants = collectionUrl(RESOURCE_KINDS.tenant);
    assert.deepEqual(await names0(`${tenants}?tag=Tier%2FGold`), ['Acme']);
    assert.deepEqual(await names0(`${tenants}?tag=Tier%2FSilver`), []);
    assert.deepEqual(await names0(`${tenants}?project=${made.project.id}`), ['Acme']);
    assert.deepEqual(
      await names0(`${collectionUrl(RESOURCE_KINDS.project)}?lifecycle=${made.lifecycle.id}`),
      ['web'],
    );
    const targets = collectionUrl(RESOURCE_KINDS['ecs-target']);
    assert.deepEqual(await names0(`${targets}?role=web`), ['acme-prod']);
    assert.deepEqual(await names0(`${targets}?role=web&role=api`), []);
    // Channels are listed per project (a project starts with its Default channel).
    const channels = await names0(collectionUrl(RESOURCE_KINDS.channel, made.project.id));
    assert.deepEqual(channels, ['Beta', 'Default', 'Stable']);
  });

  it('replaces every kind: identical is not written, a change is, and a dry run writes nothing', async () => {
    for (const kind of KINDS) {
      const url = itemUrl(kind, made[kind.name].id);
      const read = await get(url);
      // What a read returned goes back as is: read-only fields are ignored, secrets stay { set: true }.
      const same = await api.call({
        method: 'PUT',
        url,
        headers: { 'if-match': read.etag },
        payload: read.body,
      });
      assert.equal(same.statusCode, 200, `${kind.name}: ${same.body}`);
      assert.equal(same.headers['slipway-changed'], 'false', kind.name);
      assert.equal(same.headers.etag, read.etag, kind.name);
      assert.deepEqual(same.json(), read.body, kind.name);

      const next = changed(kind, read.body);
      const dry = await api.call({
        method: 'PUT',
        url: `${url}?dryRun=true`,
        headers: { 'if-match': read.etag },
        payload: next,
      });
      assert.equal(dry.statusCode, 200, `${kind.name}: ${dry.body}`);
      const report = dry.json<{
        dryRun: boolean;
        changed: boolean;
        changedFields: string[];
        resource: ResourceBody;
      }>();
      assert.equal(report.dryRun, true);
      assert.equal(report.changed, true, kind.name);
      assert.deepEqual(report.changedFields, [kind.name === 'process' ? 'steps' : 'description'], kind.name);
      assert.equal(dry.headers['slipway-changed'], 'true');
      assert.deepEqual((await get(url)).body, read.body, `${kind.name}: a dry run wrote nothing`);

      const real = await api.call({ method: 'PUT', url, headers: { 'if-match': read.etag }, payload: next });
      assert.equal(real.statusCode, 200, `${kind.name}: ${real.body}`);
      assert.equal(real.headers['slipway-changed'], 'true');
      assert.equal(real.headers.etag, `"${read.body.version + 1}"`, kind.name);
      const after = real.json<ResourceBody>();
      assert.equal(after.version, read.body.version + 1);
      assert.deepEqual((await get(url)).body, after, kind.name);
      made[kind.name] = after;
    }
  });

  it('replaces a secret with a new value, keeps it with { set: true } and clears it with null', async () => {
    const url = itemUrl(RESOURCE_KINDS.feed, 'hub');
    const read = await get(url);
    const put = async (password: unknown, etag: string) => {
      const res = await api.call({
        method: 'PUT',
        url,
        headers: { 'if-match': etag },
        payload: { ...read.body, password },
      });
      assert.equal(res.statusCode, 200, res.body);
      return {
        body: res.json<ResourceBody>(),
        etag: String(res.headers.etag),
        changed: res.headers['slipway-changed'],
      };
    };
    const replaced = await put(NEW_FEED_PASSWORD, read.etag);
    assert.deepEqual([replaced.body.password, replaced.changed], [{ set: true }, 'true']);
    const kept = await put({ set: true }, replaced.etag);
    assert.deepEqual([kept.body.password, kept.changed], [{ set: true }, 'false']);
    const cleared = await put(null, kept.etag);
    assert.deepEqual([cleared.body.password, cleared.changed], [{ set: false }, 'true']);
  });

  it('requires If-Match on PUT (428), refuses a stale one (412) and a malformed one (400)', async () => {
    const url = itemUrl(RESOURCE_KINDS.lifecycle, 'short');
    const read = await get(url);
    const put = (headers: Record<string, string>, description: string) =>
      api.call({ method: 'PUT', url, headers, payload: { ...read.body, description } });
    expectError(await put({}, 'x'), 428, 'PRECONDITION_REQUIRED', /If-Match/);
    expectError(await put({ 'if-match': '1' }, 'x'), 400, 'INVALID_INPUT', /If-Match/);
    // Two clients read version 1; the first write wins, the second is told it is stale.
    const results = await Promise.all(['a', 'b'].map((d) => put({ 'if-match': read.etag }, d)));
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 412]);
    const stale = results.find((r) => r.statusCode === 412)!;
    expectError(stale, 412, 'PRECONDITION_FAILED');
    expectError(
      await api.call({ method: 'DELETE', url, headers: { 'if-match': read.etag } }),
      412,
      'PRECONDITION_FAILED',
    );
    expectError(
      await api.call({ method: 'DELETE', url, headers: { 'if-match': 'v1' } }),
      400,
      'INVALID_INPUT',
    );
  });

  it('refuses a body whose id names another resource', async () => {
    const read = await get(itemUrl(RESOURCE_KINDS.lifecycle, 'short'));
    const res = await api.call({
      method: 'PUT',
      url: itemUrl(RESOURCE_KINDS.lifecycle, 'short'),
      headers: { 'if-match': read.etag },
      payload: { ...read.body, id: made.lifecycle.id },
    });
    const body = expectError(
      res,
      400,
      'INVALID_INPUT',
      /lifecycle\.id: .* not the id of the lifecycle in the URL/,
    );
    assert.ok(Array.isArray(body.details.issues));
  });

  it('answers 404 naming what was looked for', async () => {
    expectError(
      await api.call({ method: 'GET', url: `${SPACE_URL}/projects/nope` }),
      404,
      'NOT_FOUND',
      /project "nope"/,
    );
    expectError(
      await api.call({ method: 'GET', url: `${SPACE_URL}/projects/nope/channels/beta` }),
      404,
      'NOT_FOUND',
      /project "nope"/,
    );
    expectError(
      await api.call({ method: 'GET', url: `${SPACE_URL}/projects/web/channels/nope` }),
      404,
      'NOT_FOUND',
      /channel "nope" in project "web"/,
    );
    expectError(
      await api.call({ method: 'GET', url: `${SPACE_URL}/projects/nope/process` }),
      404,
      'NOT_FOUND',
      /"nope"/,
    );
    expectError(
      await api.call({ method: 'GET', url: '/api/spaces/Nowhere/feeds' }),
      404,
      'NOT_FOUND',
      /"Nowhere"/,
    );
    // A channel is found only under its own project.
    const other = await api.call({
      method: 'POST',
      url: collectionUrl(RESOURCE_KINDS.project),
      payload: { ...EXAMPLES.project, name: 'api' },
    });
    assert.equal(other.statusCode, 201, other.body);
    expectError(
      await api.call({ method: 'GET', url: itemUrl(RESOURCE_KINDS.channel, made.channel.id, 'api') }),
      404,
      'NOT_FOUND',
    );
    // The process has no list, create or delete; feeds have no PATCH: 405 naming what they take.
    expectError(
      await api.call({ method: 'DELETE', url: itemUrl(RESOURCE_KINDS.process, '') }),
      405,
      'METHOD_NOT_ALLOWED',
      /does not take DELETE; it takes GET, HEAD, PUT/,
    );
    expectError(
      await api.call({ method: 'POST', url: itemUrl(RESOURCE_KINDS.process, ''), payload: {} }),
      405,
      'METHOD_NOT_ALLOWED',
    );
    expectError(
      await api.call({ method: 'PATCH', url: itemUrl(RESOURCE_KINDS.feed, 'hub'), payload: {} }),
      405,
      'METHOD_NOT_ALLOWED',
    );
  });

  it('refuses to delete a lifecycle a project uses (409 IN_USE)', async () => {
    const res = await api.call({ method: 'DELETE', url: itemUrl(RESOURCE_KINDS.lifecycle, 'Standard') });
    const body = expectError(res, 409, 'IN_USE', /web/);
    assert.ok(body.details);
    await get(itemUrl(RESOURCE_KINDS.lifecycle, 'Standard'));
  });

  it('deletes every kind, the project taking its channels and process with it', async () => {
    const del = async (url: string, etag?: string) => {
      const res = await api.call({ method: 'DELETE', url, headers: etag ? { 'if-match': etag } : {} });
      assert.equal(res.statusCode, 204, `${url}: ${res.body}`);
      assert.equal(res.body, '');
      expectError(await api.call({ method: 'GET', url }), 404, 'NOT_FOUND');
    };
    await del(itemUrl(RESOURCE_KINDS.project, 'api'));
    for (const kind of [...LISTED].reverse()) {
      if (kind.name === 'channel') continue;
      const url = itemUrl(kind, made[kind.name].id);
      await del(url, (await get(url)).etag);
    }
    const project = made.project.id;
    expectError(
      await api.call({ method: 'GET', url: itemUrl(RESOURCE_KINDS.channel, made.channel.id, project) }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await api.call({ method: 'GET', url: itemUrl(RESOURCE_KINDS.process, '', project) }),
      404,
      'NOT_FOUND',
    );
    await del(itemUrl(RESOURCE_KINDS.lifecycle, 'short'));
  });

  it('never shows a secret value in any response body or header', () => {
    assert.ok(api.responses.length > 50);
    assert.ok(
      api.responses.some((r) => r.body.includes('{"set":true}')),
      'secrets read back as { set }',
    );
    assertNoSecretShown(api.responses, [...exampleSecrets(), NEW_FEED_PASSWORD]);
  });
});

const NEW_FEED_PASSWORD = 'rotated-feed-password-7f3a';
