/**
 * Dashboard benchmark (issue 15). Not a test: prints its figures and the ratios to the anchors.
 * On the seeded space of bench/server.bench.ts (bench/seed-space.ts: 10 environments, 50
 * projects, 1,000 tenants, 46,500 deployments) on PGlite:
 * - the dashboard API through fastify's inject (auth, routing, the store, JSON): the whole space and
 *   one project's tenants, median and p95 (anchor: median under 100 ms); also the first read (it
 *   builds the in-memory read model) and a read after each new deployment;
 * - the UI in Chromium (playwright-core, /usr/bin/chromium): from navigation to the dashboard drawn
 *   (the last project's last environment cell shown), median (anchor: under 1 s); and with it open, a
 *   deployment's state change (written to the database) until the cell shows it, median (anchor: under 1 s);
 * - the production bundle's size, gzip (node:zlib) of web's built assets (SLIPWAY_WEB_ROOT or web/dist).
 * Run: npm run bench:dashboard (build the UI first: npm run build:web)
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { chromium, type Page } from 'playwright-core';
import { buildServer } from '../src/server/app.js';
import { ensureAdministrator } from '../src/store/api-keys.js';
import { openStore, type Store } from '../src/store/database.js';
import { tempDataDir } from '../test/helpers/postgres.js';
import { testSecrets } from '../test/kits/secrets.js';
import { ENVIRONMENTS, PROJECTS, seedSpace, TENANTS } from './seed-space.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const UI_RUNS = Number(process.env.BENCH_UI_RUNS ?? 10);
const API_ANCHOR_MS = 100;
const UI_ANCHOR_MS = 1_000;
const LIVE_ANCHOR_MS = 1_000;
const LIVE_RUNS = Number(process.env.BENCH_LIVE_RUNS ?? 10);
const WEB_ROOT = resolve(process.env.SLIPWAY_WEB_ROOT ?? resolve(import.meta.dirname, '../web/dist'));
const CHROMIUM = process.env.SLIPWAY_CHROMIUM ?? '/usr/bin/chromium';
// As test/ui/kit.ts: root in a container, no GPU, no background connections.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function line(name: string, samples: number[], anchor: number, cpuSamples?: number[]): void {
  samples.sort((a, b) => a - b);
  const median = percentile(samples, 0.5);
  const cpuMedian = cpuSamples
    ? percentile(
        [...cpuSamples].sort((a, b) => a - b),
        0.5,
      )
    : undefined;
  console.log(
    `${name.padEnd(44)} ${median.toFixed(2).padStart(8)} ms ${percentile(samples, 0.95).toFixed(2).padStart(8)} ms ` +
      `${(median / anchor).toFixed(3).padStart(7)}` +
      (cpuMedian === undefined
        ? ''
        : `   (CPU ${cpuMedian.toFixed(2)} ms, ratio ${(cpuMedian / anchor).toFixed(3)})`),
  );
}

/** This process's CPU time of every read (PGlite runs in it): on a busy machine, wall time waits for a core. */
const cpu: number[] = [];

async function read(app: FastifyInstance, key: string, url: string): Promise<number> {
  const start = performance.now();
  const before = process.cpuUsage();
  const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
  const used = process.cpuUsage(before);
  cpu.push((used.user + used.system) / 1000);
  const ms = performance.now() - start;
  if (res.statusCode !== 200) throw new Error(`GET ${url} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return ms;
}

async function apiFigures(store: Store, app: FastifyInstance, key: string, projectId: string): Promise<void> {
  const whole = '/api/spaces/Default/dashboard';
  const one = `${whole}?project=${projectId}`;
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores`,
  );
  console.log(
    `\n${'dashboard API'.padEnd(44)} ${'median'.padStart(11)} ${'p95'.padStart(11)} ${'ratio'.padStart(7)}`,
  );
  console.log(`  first read (builds the read model): ${(await read(app, key, whole)).toFixed(0)} ms`);
  for (const [name, url] of [
    ['whole space', whole],
    ["one project's tenants", one],
  ] as const) {
    const samples: number[] = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const ms = await read(app, key, url);
      if (i >= 3) samples.push(ms);
    }
    line(name, samples, API_ANCHOR_MS, cpu.slice(-RUNS));
  }
  // A new deployment before each read: the read model takes it in (one small query more).
  const release = await sql<{ id: string; channel_id: string; project_id: string }>`
    select id, channel_id, project_id from releases where project_id = ${projectId} limit 1`.execute(
    store.db,
  );
  const env = await sql<{ id: string }>`select id from environments order by sort_order limit 1`.execute(
    store.db,
  );
  const r = release.rows[0]!;
  const fresh: number[] = [];
  for (let i = 0; i < 20; i++) {
    await sql`
      insert into deployments (id, space_id, project_id, release_id, channel_id, environment_id, state,
                               skipped_steps, guided_failure, prompted_names, created_by)
      values (${`Deployments-bench-${i}`}, 'Spaces-1', ${r.project_id}, ${r.id}, ${r.channel_id}, ${env.rows[0]!.id},
              'executing', '[]'::jsonb, false, '[]'::jsonb, 'bench')`.execute(store.db);
    fresh.push(await read(app, key, whole));
  }
  line('whole space, after a new deployment each', fresh, API_ANCHOR_MS, cpu.slice(-fresh.length));
  await sql`delete from deployments where id like 'Deployments-bench-%'`.execute(store.db);
}

/** The little of the DOM that cellShows reads (this file is compiled without the DOM's types). */
interface Element {
  closest(selector: string): Element | null;
  querySelector(selector: string): Element | null;
  textContent: string | null;
}

/** In the page: whether the dashboard cell linking to `deployment` shows the state `word`. */
function cellShows([deployment, word]: readonly [string, string]): boolean {
  const doc = (globalThis as unknown as { document: Element }).document;
  const badge = doc
    .querySelector(`a[href$="/deployments/${deployment}"]`)
    ?.closest('.dash-cell')
    ?.querySelector('.badge');
  return badge?.textContent === word;
}

/**
 * With the dashboard open: a deployment of the last cell is queued, then runs, then succeeds, each
 * state written to the database as the engine does; the time until the cell shows each state.
 */
async function liveSamples(store: Store, page: Page): Promise<number[]> {
  const project = `project-${String(PROJECTS - 1).padStart(2, '0')}`;
  const { rows } = await sql<{
    release_id: string;
    channel_id: string;
    project_id: string;
    environment_id: string;
  }>`
    select r.id as release_id, r.channel_id, r.project_id, e.id as environment_id
      from releases r join resources p on p.id = r.project_id and p.kind = 'project' and p.name = ${project}
      cross join environments e
     where e.name = ${`Env ${ENVIRONMENTS - 1}`}
     order by r.created_at desc limit 1`.execute(store.db);
  const at = rows[0]!;
  const samples: number[] = [];
  for (let i = 0; i < LIVE_RUNS; i++) {
    const id = `Deployments-live-${i}`;
    const steps: [string, () => Promise<unknown>][] = [
      [
        'Queued',
        () =>
          sql`
          insert into deployments (id, space_id, project_id, release_id, channel_id, environment_id, state,
                                   skipped_steps, guided_failure, prompted_names, created_by)
          values (${id}, 'Spaces-1', ${at.project_id}, ${at.release_id}, ${at.channel_id}, ${at.environment_id},
                  'queued', '[]'::jsonb, false, '[]'::jsonb, 'bench')`.execute(store.db),
      ],
      [
        'Running',
        () =>
          sql`update deployments set state = 'executing', started_at = now() where id = ${id}`.execute(
            store.db,
          ),
      ],
      [
        'Success',
        () =>
          sql`update deployments set state = 'success', finished_at = now() where id = ${id}`.execute(
            store.db,
          ),
      ],
    ];
    for (const [word, change] of steps) {
      // A moment apart, so that the change lands anywhere within the page's polling interval.
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 1_000));
      const start = performance.now();
      await change();
      // Checked on every frame in the page (a locator's waitFor polls every 500 ms once it has waited).
      await page.waitForFunction(cellShows, [id, word] as const, { polling: 'raf', timeout: 30_000 });
      samples.push(performance.now() - start);
    }
  }
  await sql`delete from deployments where id like 'Deployments-live-%'`.execute(store.db);
  return samples;
}

async function uiFigures(store: Store, app: FastifyInstance, key: string): Promise<void> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: url });
    const page = await context.newPage();
    const session = await page.request.post('/api/session', { data: { apiKey: key } });
    if (session.status() !== 201) throw new Error(`POST /api/session → ${session.status()}`);
    const last = `project-${String(PROJECTS - 1).padStart(2, '0')} 1.0.3 in Env ${ENVIRONMENTS - 1}`;
    const samples: number[] = [];
    for (let i = 0; i < UI_RUNS + 1; i++) {
      await page.goto('about:blank');
      const start = performance.now();
      await page.goto('/spaces/Default');
      await page.getByRole('link', { name: last }).waitFor({ timeout: 60_000 });
      if (i >= 1) samples.push(performance.now() - start); // the first warms the browser's cache
    }
    console.log(
      `\n${'UI (Chromium, 1280 px)'.padEnd(44)} ${'median'.padStart(11)} ${'p95'.padStart(11)} ${'ratio'.padStart(7)}`,
    );
    line('navigation → space dashboard drawn', samples, UI_ANCHOR_MS);
    line('deployment state change → shown (live)', await liveSamples(store, page), LIVE_ANCHOR_MS);
  } finally {
    await browser.close();
  }
}

function bundleFigures(): void {
  const assets = join(WEB_ROOT, 'assets');
  let raw = 0;
  let gzip = 0;
  console.log(`\nproduction bundle (${assets}), gzip:`);
  for (const name of readdirSync(assets).sort()) {
    if (!/\.(js|css)$/.test(name)) continue;
    const bytes = readFileSync(join(assets, name));
    const zipped = gzipSync(bytes).length;
    raw += bytes.length;
    gzip += zipped;
    console.log(
      `  ${name.padEnd(40)} ${(bytes.length / 1024).toFixed(1).padStart(8)} KiB → ${(zipped / 1024).toFixed(1).padStart(7)} KiB`,
    );
  }
  console.log(
    `  total${' '.repeat(36)}${(raw / 1024).toFixed(1).padStart(8)} KiB → ${(gzip / 1024).toFixed(1).padStart(7)} KiB gzip`,
  );
}

async function main(): Promise<void> {
  const dataDir = tempDataDir();
  const store = await openStore({ dataDir });
  try {
    const start = performance.now();
    const { projectId, deployments } = await seedSpace(store, { newestAgeDays: 1 });
    console.log(
      `PGlite: seeded ${ENVIRONMENTS} environments, ${PROJECTS} projects, ${TENANTS} tenants, ` +
        `${deployments} deployments in ${((performance.now() - start) / 1000).toFixed(1)} s`,
    );
    const { key } = await ensureAdministrator(store, { dataDir });
    if (!key) throw new Error('no administrator key');
    const app = buildServer({ store, secrets: testSecrets(), webRoot: WEB_ROOT });
    await app.ready();
    try {
      await apiFigures(store, app, key, projectId);
      await uiFigures(store, app, key);
    } finally {
      await app.close();
    }
    bundleFigures();
  } finally {
    await store.close();
  }
}

await main();
