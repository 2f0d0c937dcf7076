/**
 * One resolution per request: POST /deployments and POST /deployments/promote for three tenants read
 * the release, the environments, the project, the channel, the lifecycle and the tenants once each,
 * counted on the Kysely instance the server uses (every statement, compiled to SQL).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  PostgresQueryCompiler,
  type CompiledQuery,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { tempDataDir } from '../../test/helpers/postgres.js';
import { SPACE_URL } from '../../test/kits/server-resources.js';
import { BY, SPACE, startReleaseFixture, type ReleaseFixture } from '../../test/kits/releases.js';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import { openStore, type Store } from '../store/database.js';

/** Records every statement run through the Kysely instance it is added to. */
class StatementLog implements KyselyPlugin {
  readonly statements: CompiledQuery[] = [];
  readonly #compiler = new PostgresQueryCompiler();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.statements.push(this.#compiler.compileQuery(args.node, args.queryId));
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

const KINDS = new Set(Object.keys(RESOURCE_KINDS));

/**
 * How many SELECTs read each table (`resources` by kind: `resources:project`, ...), for the
 * statements of `log` from `from` on.
 */
function reads(log: StatementLog, from: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const q of log.statements.slice(from)) {
    const text = q.sql.trim().toLowerCase();
    if (!text.startsWith('select') && !text.startsWith('with')) continue;
    const tables = new Set([...text.matchAll(/\b(?:from|join)\s+"?(\w+)"?/g)].map((m) => m[1]!));
    for (const table of tables) {
      let key = table;
      if (table === 'resources') {
        const kind = q.parameters.find((p): p is string => typeof p === 'string' && KINDS.has(p));
        key = `resources:${kind ?? '?'}`;
      }
      out[key] = (out[key] ?? 0) + 1;
    }
  }
  return out;
}

/** The counts of the tables a deployment request resolves (others, e.g. api keys and targets, left out). */
function resolved(counts: Record<string, number>): Record<string, number> {
  const keys = [
    'releases',
    'environments',
    'resources:project',
    'resources:channel',
    'resources:lifecycle',
    'resources:tenant',
  ];
  return Object.fromEntries(keys.map((k) => [k, counts[k] ?? 0]));
}

describe('one resolution per deployment request', () => {
  let store: Store;
  let f: ReleaseFixture;
  const log = new StatementLog();

  before(async () => {
    store = await openStore({ dataDir: tempDataDir() });
    f = await startReleaseFixture({ ...store, db: store.db.withPlugin(log) });
    for (const name of ['Globex', 'Initech']) {
      const res = await f.api.call({
        method: 'POST',
        url: `${SPACE_URL}/tenants`,
        payload: { name, projects: [{ project: 'web', environments: ['Dev', 'Prod'] }] },
      });
      assert.equal(res.statusCode, 201, res.body);
    }
  });
  after(async () => {
    await f.api.close();
    await store.close();
  });

  it('POST /deployments for three tenants, then promote Dev → Prod for them: each record read once', async () => {
    const release = await f.service.createRelease(SPACE, { project: 'web', version: '1.0.0' }, BY);
    const tenants = ['Acme', 'Globex', 'Initech'];

    let start = log.statements.length;
    const res = await f.api.call({
      method: 'POST',
      url: `${SPACE_URL}/deployments`,
      payload: { release: release.id, environment: 'Dev', tenants },
    });
    assert.equal(res.statusCode, 201, res.body);
    const created = res.json<{ items: { id: string }[] }>().items;
    assert.equal(created.length, 3);
    assert.deepEqual(resolved(reads(log, start)), {
      // Once to decide, once by the store's integrity check inside the insert transaction.
      releases: 2,
      environments: 1,
      'resources:project': 1,
      'resources:channel': 1,
      'resources:lifecycle': 1,
      'resources:tenant': 1,
    });

    for (const d of created) await f.finish(d.id);
    start = log.statements.length;
    const promoted = await f.api.call({
      method: 'POST',
      url: `${SPACE_URL}/deployments/promote`,
      payload: { project: 'web', from: 'Dev', to: 'Prod', tenants },
    });
    assert.equal(promoted.statusCode, 201, promoted.body);
    assert.equal(promoted.json<{ items: unknown[] }>().items.length, 3);
    assert.deepEqual(resolved(reads(log, start)), {
      releases: 2,
      environments: 1,
      'resources:project': 1,
      'resources:channel': 1,
      'resources:lifecycle': 1,
      'resources:tenant': 1,
    });
  });
});
