import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { EXAMPLE_TENANT_VARIABLES, EXAMPLE_VARIABLES } from '../../test/kits/model-examples.js';
import type { ResourceKindName } from '../core/model/resource.js';
import {
  SPACE_URL,
  assertNoSecretShown,
  createExamples,
  expectError,
  startApi,
  type ApiUnderTest,
  type ResourceBody,
} from '../../test/kits/server-resources.js';

interface VariableBody {
  id: string;
  name: string;
  type?: string;
  value: string | { set: boolean };
  scope?: Record<string, string[]>;
  [field: string]: unknown;
}
interface SetPage {
  items: VariableBody[];
  nextCursor?: string;
  variablesVersion: number;
}
interface Change {
  variablesVersion: number;
  changed: boolean;
  added: number;
  updated: number;
  removed: number;
}

const PROJECT_VARIABLES = `${SPACE_URL}/projects/web/variables`;
const LIBRARY_VARIABLES = `${SPACE_URL}/library-sets/Common/variables`;
const TENANT_VARIABLES = `${SPACE_URL}/tenants/Acme/variables`;
const SENSITIVE = [
  'correct-horse-battery',
  'tenant-token-123456',
  'library-secret-value-91',
  'rotated-db-pw-5521',
];

describe('variable set routes', () => {
  let api: ApiUnderTest;
  let made: Record<ResourceKindName, ResourceBody>;
  const read = async (url: string) => {
    const res = await api.call({ method: 'GET', url });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    assert.equal(res.headers.etag, `"${res.json<SetPage>().variablesVersion}"`);
    return { page: res.json<SetPage>(), etag: String(res.headers.etag) };
  };
  const put = (url: string, payload: unknown, etag?: string) =>
    api.call({
      method: 'PUT',
      url,
      headers: etag === undefined ? {} : { 'if-match': etag },
      payload: payload as object,
    });
  const change = (res: LightMyRequestResponse): Change => {
    assert.equal(res.statusCode, 200, res.body);
    return res.json<Change>();
  };

  before(async () => {
    api = await startApi();
    made = await createExamples(api);
  });
  after(() => api.close());

  it('replaces a project’s variables under If-Match and reads them back, sensitive values as { set }', async () => {
    const empty = await read(PROJECT_VARIABLES);
    assert.deepEqual(empty.page.items, []);
    const res = await put(PROJECT_VARIABLES, EXAMPLE_VARIABLES, empty.etag);
    const done = change(res);
    assert.deepEqual(done, {
      variablesVersion: empty.page.variablesVersion + 1,
      changed: true,
      added: 3,
      updated: 0,
      removed: 0,
    });
    assert.equal(res.headers.etag, `"${done.variablesVersion}"`);
    assert.equal(res.headers['slipway-changed'], 'true');

    // Names in the path, ignoring case; scope references come back as ids.
    const { page, etag } = await read(`/api/spaces/default/projects/WEB/variables`);
    assert.equal(etag, res.headers.etag);
    // In (name, id) order: the two Colours' order follows their random ids.
    assert.deepEqual(
      page.items
        .map((v) => [v.name, v.value])
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [
        ['Colour', 'blue'],
        ['Colour', 'green'],
        ['DbPassword', { set: true }],
      ],
    );
    const prod = page.items.find((v) => v.value === 'green')!;
    assert.equal(prod.scope?.environments?.length, 1);
    assert.match(prod.scope!.environments![0]!, /^Environments-/);

    const fresh = await api.call({
      method: 'GET',
      url: PROJECT_VARIABLES,
      headers: { 'if-none-match': etag },
    });
    assert.equal(fresh.statusCode, 304);
    assert.equal(fresh.body, '');
  });

  it('writes nothing for an identical set (sensitive values sent back as { set: true }) or a dry run', async () => {
    const { page, etag } = await read(PROJECT_VARIABLES);
    const same = await put(PROJECT_VARIABLES, page.items, etag);
    assert.equal(change(same).changed, false);
    assert.equal(same.headers['slipway-changed'], 'false');
    assert.equal(same.headers.etag, etag);

    const next = [...page.items.filter((v) => v.value !== 'blue'), { name: 'Region', value: 'eu-west-1' }];
    const dry = await put(`${PROJECT_VARIABLES}?dryRun=true`, next, etag);
    assert.deepEqual(change(dry), {
      variablesVersion: page.variablesVersion + 1,
      changed: true,
      added: 1,
      updated: 0,
      removed: 1,
    });
    assert.equal(dry.headers.etag, undefined, 'a dry run has no new version');
    assert.deepEqual(await read(PROJECT_VARIABLES), { page, etag });
  });

  it('lets the first of two editors at the same version win and tells the second (412)', async () => {
    const first = await read(PROJECT_VARIABLES);
    const second = await read(PROJECT_VARIABLES);
    assert.equal(first.etag, second.etag);
    const rotated = first.page.items.map((v) =>
      v.name === 'DbPassword' ? { ...v, value: 'rotated-db-pw-5521' } : v,
    );
    const won = change(await put(PROJECT_VARIABLES, rotated, first.etag));
    assert.deepEqual([won.changed, won.updated], [true, 1]);
    const lost = expectError(
      await put(PROJECT_VARIABLES, [...second.page.items, { name: 'Late', value: 'x' }], second.etag),
      412,
      'PRECONDITION_FAILED',
      /variables/,
    );
    assert.equal(lost.details.currentVersion, won.variablesVersion);
    assert.ok(!(await read(PROJECT_VARIABLES)).page.items.some((v) => v.name === 'Late'));
    expectError(await put(PROJECT_VARIABLES, []), 428, 'PRECONDITION_REQUIRED', /If-Match/);
    expectError(await put(PROJECT_VARIABLES, [], 'W/1'), 400, 'INVALID_INPUT', /If-Match/);
  });

  it('pages through a set', async () => {
    const { page, etag } = await read(PROJECT_VARIABLES);
    const many = [
      ...page.items,
      ...Array.from({ length: 4 }, (_, i) => ({ name: `Many${i}`, value: String(i) })),
    ];
    change(await put(PROJECT_VARIABLES, many, etag));
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const url = `${PROJECT_VARIABLES}?limit=2&name=many${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const next: SetPage = (await read(url)).page;
      names.push(...next.items.map((v) => v.name));
      cursor = next.nextCursor;
    } while (cursor);
    assert.deepEqual(names, ['Many0', 'Many1', 'Many2', 'Many3']);
  });

  it('replaces a library set’s variables', async () => {
    const { etag } = await read(LIBRARY_VARIABLES);
    const payload = [
      { name: 'Region', value: 'us-east-1' },
      { name: 'SharedSecret', type: 'sensitive', value: 'library-secret-value-91' },
    ];
    assert.equal(change(await put(LIBRARY_VARIABLES, payload, etag)).added, 2);
    const { page } = await read(`${SPACE_URL}/library-sets/${made['library-set'].id}/variables`);
    assert.deepEqual(
      page.items.map((v) => v.value),
      ['us-east-1', { set: true }],
    );
  });

  it('replaces a tenant’s template values, the project template’s sensitive one hidden', async () => {
    const { etag } = await read(TENANT_VARIABLES);
    const done = change(await put(TENANT_VARIABLES, EXAMPLE_TENANT_VARIABLES, etag));
    assert.equal(done.added, 3);
    const { page } = await read(`${SPACE_URL}/tenants/acme/variables`);
    const byTemplate = Object.fromEntries(page.items.map((v) => [v.template as string, v]));
    assert.equal(byTemplate.Colour?.value, 'orange');
    assert.equal(byTemplate.Colour?.project, made.project.id);
    assert.deepEqual(byTemplate.ApiToken?.value, { set: true });
    assert.equal(byTemplate.Region?.librarySet, made['library-set'].id);
    expectError(
      await put(
        TENANT_VARIABLES,
        [{ project: 'web', environment: 'Dev', template: 'Nope', value: 'x' }],
        `"${done.variablesVersion}"`,
      ),
      400,
      'INVALID_INPUT',
      /Nope/,
    );
  });

  it('answers 404 for an owner that does not exist', async () => {
    expectError(
      await api.call({ method: 'GET', url: `${SPACE_URL}/projects/nope/variables` }),
      404,
      'NOT_FOUND',
      /"nope"/,
    );
    expectError(
      await put(`${SPACE_URL}/tenants/nope/variables`, [], '"1"'),
      404,
      'NOT_FOUND',
      /tenant "nope"/,
    );
    expectError(
      await api.call({ method: 'GET', url: `${SPACE_URL}/feeds/Hub/variables` }),
      404,
      'NOT_FOUND',
      /no route/,
    );
  });

  it('never shows a sensitive value in any response body or header', () => {
    assertNoSecretShown(api.responses, SENSITIVE);
  });
});
