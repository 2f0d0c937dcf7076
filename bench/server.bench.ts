/**
 * Server benchmark (issue 6). Not a test: prints its figures and the ratio to the anchor.
 * Seeds 10 environments, 50 projects, 1,000 tenants (each connected to 5 projects) and 100,000
 * project variables (2,000 per project, a third scoped), and a deployment history (issue 7: three
 * releases per project, each deployed untenanted to every environment and to every connected
 * tenant × environment, 46,500 deployments), then times listing and reading endpoints, and the
 * dashboard, through fastify's inject: authentication, routing, validation, the store and JSON
 * included, no socket. Anchor: median under 100 ms per endpoint, on PGlite and on PostgreSQL.
 * Run: npm run bench:server [-- pglite|postgres]
 */
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';

import { buildServer } from '../src/server/app.js';
import { ensureAdministrator } from '../src/store/api-keys.js';
import { openStore, type Store } from '../src/store/database.js';
import { latestPerEnvironment } from '../src/store/deployment-queries.js';
import type { SecretBox } from '../src/store/secrets.js';
import { variablesRepository } from '../src/store/variables.js';
import { postgresUnavailableReason, startPostgres, tempDataDir } from '../test/helpers/postgres.js';
import { BY, ENVIRONMENTS, PROJECTS, seedSpace, SPACE, TENANTS } from './seed-space.js';
import { testSecrets } from '../test/kits/secrets.js';

const VARIABLES_PER_PROJECT = 2_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const ANCHOR_MS = 100;

/** bench:server's project variables: 2,000 per project, a third scoped to an environment, a few sensitive. */
async function seedVariables(store: Store, projectId: string, p: number, secrets: SecretBox): Promise<void> {
  const set = Array.from({ length: VARIABLES_PER_PROJECT }, (_, v) => ({
    name: `Var${v % 700}`,
    value: `value-${p}-${v}`,
    ...(v % 3 === 0 ? { scope: { environments: [`Env ${v % ENVIRONMENTS}`] } } : {}),
    ...(v % 97 === 0 ? { type: 'sensitive' } : {}),
  }));
  await variablesRepository(store.db, secrets).replace(SPACE, projectId, set, 1, BY);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function time(app: FastifyInstance, key: string, url: string) {
  const samples: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const start = performance.now();
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
    const ms = performance.now() - start;
    if (res.statusCode !== 200) throw new Error(`GET ${url} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
    if (i >= 3) samples.push(ms); // the first calls warm caches and the JIT
  }
  samples.sort((a, b) => a - b);
  return { median: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
}

async function runOn(label: string, store: Store, dataDir: string): Promise<void> {
  // The administrator first: a store that already holds secrets refuses to create one (api-keys.ts).
  const { key } = await ensureAdministrator(store, { dataDir });
  if (!key) throw new Error('no administrator key');
  const seedStart = performance.now();
  const { projectId, tenantId, deployments } = await seedSpace(store, {
    onProject: (id, p, secrets) => seedVariables(store, id, p, secrets),
  });
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const app = buildServer({ store, secrets: testSecrets() });
  await app.ready();
  const base = `/api/spaces/Default`;
  // A cursor from deep in the tenant list: keyset pagination must not slow down with depth.
  let deep = `${base}/tenants?limit=50`;
  for (let i = 0; i < 15; i++) {
    const page = (await app.inject({ url: deep, headers: { authorization: `Bearer ${key}` } })).json<{
      nextCursor?: string;
    }>();
    if (!page.nextCursor) break;
    deep = `${base}/tenants?limit=50&cursor=${encodeURIComponent(page.nextCursor)}`;
  }
  const endpoints: [string, string][] = [
    ['environments (list)', `${base}/environments`],
    ['projects (list, 50)', `${base}/projects`],
    ['project (read)', `${base}/projects/${projectId}`],
    ['process (read)', `${base}/projects/${projectId}/process`],
    ['project variables (page of 50)', `${base}/projects/${projectId}/variables`],
    ['project variables (page of 500)', `${base}/projects/${projectId}/variables?limit=500`],
    ['project variables (name filter)', `${base}/projects/${projectId}/variables?name=Var12`],
    ['tenants (list, 50)', `${base}/tenants`],
    ['tenants (page 16 by cursor)', deep],
    ['tenants (tag filter)', `${base}/tenants?tag=Tier%2FGold`],
    ['tenants (name filter)', `${base}/tenants?name=tenant-09`],
    ['tenant (read)', `${base}/tenants/${tenantId}`],
    ['audit events (page of 50)', `${base}/audit-events`],
    ['dashboard (whole space)', `${base}/dashboard`],
    ['dashboard (one project)', `${base}/dashboard?project=${projectId}`],
    ['deployments (page of 50)', `${base}/deployments`],
  ];
  console.log(
    `\n${label}: seeded ${ENVIRONMENTS} environments, ${PROJECTS} projects, ${TENANTS} tenants, ` +
      `${PROJECTS * VARIABLES_PER_PROJECT} variables, ${deployments} deployments in ${seedSeconds.toFixed(1)} s`,
  );
  console.log(`${'endpoint'.padEnd(34)} ${'median'.padStart(9)} ${'p95'.padStart(9)} ${'ratio'.padStart(7)}`);
  let worst = 0;
  for (const [name, url] of endpoints) {
    const { median, p95 } = await time(app, key, url);
    worst = Math.max(worst, median);
    console.log(
      `${name.padEnd(34)} ${median.toFixed(2).padStart(6)} ms ${p95.toFixed(2).padStart(6)} ms ${(median / ANCHOR_MS).toFixed(3).padStart(7)}`,
    );
  }
  // How much of the whole-space dashboard is the store's query (the rest: versions, JSON, HTTP).
  const query: number[] = [];
  for (let i = 0; i < 8; i++) {
    const start = performance.now();
    await latestPerEnvironment(store.db, SPACE);
    if (i >= 3) query.push(performance.now() - start);
  }
  query.sort((a, b) => a - b);
  console.log(
    `  of the whole-space dashboard, the store's query: median ${percentile(query, 0.5).toFixed(2)} ms`,
  );
  console.log(
    `${label}: slowest median ${worst.toFixed(2)} ms → ratio ${(worst / ANCHOR_MS).toFixed(3)} to the ${ANCHOR_MS} ms anchor`,
  );
  await app.close();
}

async function main(): Promise<void> {
  const which = process.argv[2];
  if (which === undefined || which === 'pglite') {
    const dataDir = tempDataDir();
    const store = await openStore({ dataDir });
    try {
      await runOn('PGlite', store, dataDir);
    } finally {
      await store.close();
    }
  }
  if (which === undefined || which === 'postgres') {
    const reason = postgresUnavailableReason();
    if (reason) {
      console.log(`\nPostgreSQL: skipped (${reason})`);
      return;
    }
    const pg = await startPostgres();
    const store = await openStore({ databaseUrl: pg.url });
    try {
      await runOn('PostgreSQL', store, tempDataDir());
    } finally {
      await store.close();
      await pg.stop();
    }
  }
}

await main();
