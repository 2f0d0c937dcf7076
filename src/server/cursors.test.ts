/**
 * Forged pagination cursors (issue 17, finding 7): a cursor that decodes to well-formed JSON but
 * holds what this server never hands out answers 400 naming the `cursor` parameter on every list
 * route that takes one, never a database error (500).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXAMPLES } from '../../test/kits/model-examples.js';
import {
  createExamples,
  expectError,
  startApi,
  type ApiUnderTest,
} from '../../test/kits/server-resources.js';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import { apiRoutes } from './app.js';

const KIND_BY_PLURAL = new Map(Object.values(RESOURCE_KINDS).map((k) => [k.plural, k]));

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Well-formed but forged, and refused by every list (whatever its key: name, sort order or time). */
const FORGED: [string, unknown][] = [
  ['a NUL in a name', ['web\u0000', 'Projects-1']],
  ['a NUL in an id', ['web', 'Projects-\u0000']],
  ['a lone surrogate', ['\ud800', 'Projects-1']],
  ['a sort order beyond int4', [99_999_999_999, 'Dev']],
  ['a fractional sort order', [1.5, 'Dev']],
  ['a NUL in an environment name', [1, 'Dev\u0000']],
  ['a NUL in a time cursor id', ['2026-01-01T00:00:00.000000Z', 'Releases-\u0000']],
  ['too few fields', ['web']],
  ['too many fields', ['web', 'Projects-1', 'more']],
  ['an object', { name: 'web' }],
  ['a string', 'web'],
  ['null', null],
];

/** The lists keyed by time (newest first), and what else a forged time cursor may hold. */
const TIME_LISTS = new Set(['listAuditEvents', 'listReleases', 'listDeployments']);
const FORGED_TIME: [string, unknown][] = [
  ['a day that does not exist', ['2026-02-30T00:00:00.000000Z', 'Releases-1']],
  ['an hour that does not exist', ['2026-01-01T24:00:00.000000Z', 'Releases-1']],
  ['year 0', ['0000-01-01T00:00:00.000000Z', 'Releases-1']],
  ['a name where the time goes', ['web', 'Releases-1']],
];

describe('forged cursors', () => {
  let api: ApiUnderTest;
  before(async () => {
    api = await startApi();
    await createExamples(api);
  });
  after(() => api.close());

  it('answer 400 naming the cursor on every list route that takes one', async () => {
    // From the server's own route table, so a list added later is covered too.
    const lists = apiRoutes(api.deps).filter((r) => r.method === 'GET' && r.query?.shape.cursor);
    assert.ok(lists.length >= 15, `only ${lists.length} list routes take a cursor`);
    for (const id of TIME_LISTS)
      assert.ok(
        lists.some((r) => r.operationId === id),
        id,
      );
    for (const route of lists) {
      const url = route.path
        .replace('{space}', 'Default')
        .replace('{project}', 'web')
        .replace(/\/([a-z-]+)\/\{id\}/, (_, plural: string) => {
          const kind = KIND_BY_PLURAL.get(plural);
          assert.ok(kind, `no kind for ${route.path}`);
          return `/${plural}/${encodeURIComponent(String(EXAMPLES[kind.name].name))}`;
        });
      const first = await api.call({ method: 'GET', url: `${url}?limit=1` });
      assert.equal(first.statusCode, 200, `${route.operationId}: ${first.body}`);
      for (const [what, value] of [...FORGED, ...(TIME_LISTS.has(route.operationId) ? FORGED_TIME : [])]) {
        const res = await api.call({ method: 'GET', url: `${url}?cursor=${cursorOf(value)}` });
        assert.equal(res.statusCode, 400, `${route.operationId} with ${what}: ${res.body}`);
        const error = expectError(res, 400, 'INVALID_INPUT', /\bcursor: not a cursor this server returned/);
        assert.ok(Array.isArray(error.details.issues), `${route.operationId} with ${what}`);
      }
    }
  });
});
