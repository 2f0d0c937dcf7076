/**
 * Deployment benchmarks (issue 7). Not tests: each prints its figures and the ratio to its anchor
 * (ratio ≤ 1 meets it). A whole Slipway runs in this process (test/helpers/slipway-world.ts: the
 * AWS sandbox, the store, one node with engine, release service and API on loopback); the
 * configuration goes in through the API as `slipway apply -f` sends it, deployments are requested
 * through the API, and the sandbox throttles as AWS does.
 *  1. Fan-out: one release to 200 tenants (200 ECS services, 50 in each of 4 AWS accounts, one ECS
 *     target per account picking its tenants by tag). Zero failed deployments, and the time from
 *     the deploy request to the last deployment's end within 1.2× the floor that
 *     RegisterTaskDefinition's limit sets (burst 20, then 1/s per account and region:
 *     (50 − 20) / 1 = 30 s, the accounts in parallel). Runs at concurrency 200 (1a: all at once)
 *     and at the node's default 50 (1b).
 *  2. Queue to first AWS call: from the API request that creates a deployment to the first AWS
 *     call it makes (as the sandbox counts it), 24 deployments one at a time on an idle engine.
 *     Anchor: median ≤ 2 s (an Octopus node checks its queue every 20 s). 2a: the request goes to
 *     the node that runs deployments; 2b: to an API-only node on the same store.
 *  3. 50 deployments at once on one node: event-loop delay p95 < 100 ms over the run (the sandbox
 *     and the store share this process, so this is an upper bound), memory before, peak, after.
 *     One account, so all 50 wait on its registration limit together for ~30 s; the sandbox runs in
 *     real time, so every rollout takes seconds and polls as it would against AWS.
 * Which account each tenant is in follows a seeded shuffle of tenant names (`random`, as customers'
 * names say nothing of their accounts); `grouped` puts tenants 1–50 in account 1 and so on (the
 * worst order for a node running fewer deployments at once than it was asked for), `interleaved`
 * alternates the accounts (the best).
 * Run: npm run bench:deployments [-- 1 1a 1b 2 2a 2b 3] [random|grouped|interleaved] [postgres]
 * (default: all parts, random, PGlite; `postgres` puts the store on a throwaway PostgreSQL)
 */
import { performance } from 'node:perf_hooks';
import { resetRateLimiter } from '../src/aws/clients.js';
import { ApiClient } from '../src/cli/api-client.js';
import { startSlipwayNode } from '../src/cli/slipway-node.js';
import { postgresUnavailableReason, startPostgres, type PostgresHandle } from '../test/helpers/postgres.js';
import { fanOut } from './deployments/fan-out.js';
import {
  armThrottling,
  FLEET_LAYOUTS,
  startFleet,
  type Fleet,
  type FleetLayout,
} from './deployments/fleet.js';
import {
  collectGarbage,
  deployRelease,
  failures,
  formatMemory,
  memoryNow,
  monitorLoad,
  peakConcurrent,
  percentile,
  recordCalls,
  waitFinal,
} from './deployments/measure.js';

const ACCOUNTS = 4;
const TENANTS_PER_ACCOUNT = 50;
const LATENCY_SAMPLES = 24;
const LATENCY_ANCHOR_MS = 2000;
const LAG_ANCHOR_MS = 100;

/** The store every world uses: PGlite (default) or a database of one throwaway PostgreSQL. */
let postgres: PostgresHandle | undefined;
async function store(): Promise<{ databaseUrl?: string }> {
  return postgres ? { databaseUrl: await postgres.createDatabase() } : {};
}

/** Samples queue → first AWS call, one deployment at a time, requesting through `client`. */
async function firstCallLatency(fleet: Fleet, client: ApiClient, label: string): Promise<void> {
  const { world } = fleet;
  const recorder = recordCalls(world);
  const samples: number[] = [];
  const answered: number[] = [];
  const started: number[] = [];
  const firstActions = new Map<string, number>();
  try {
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const tenant = fleet.tenants[i % fleet.tenants.length]!;
      // Idle: nothing runs, and the worker's poll is at a different phase each time.
      await new Promise((r) => setTimeout(r, 150 + ((i * 137) % 400)));
      const t0 = Date.now();
      const p0 = performance.now();
      const [id] = await deployRelease(fleet, client, [tenant.name]);
      answered.push(performance.now() - p0);
      const first = await recorder.firstAfter(p0);
      samples.push(first.at - p0);
      firstActions.set(first.action, (firstActions.get(first.action) ?? 0) + 1);
      const [row] = await waitFinal(world, fleet.releaseId, [id!], 120_000, 50);
      started.push((row?.startedAt ?? t0) - t0);
    }
  } finally {
    recorder.stop();
  }
  const median = percentile(samples, 0.5);
  const p95 = percentile(samples, 0.95);
  console.log(
    `${label}: median ${median.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, min ${Math.min(...samples).toFixed(0)}, max ${Math.max(...samples).toFixed(0)} ` +
      `over ${samples.length} deployments (first call: ${[...firstActions].map(([a, c]) => `${a} ×${c}`).join(', ')}); ` +
      `anchor median ≤ ${LATENCY_ANCHOR_MS} ms; ratio ${(median / LATENCY_ANCHOR_MS).toFixed(3)}`,
  );
  console.log(
    `   medians: the API answered after ${percentile(answered, 0.5).toFixed(0)} ms, the deployment was executing (startedAt) ` +
      `after ${percentile(started, 0.5).toFixed(0)} ms`,
  );
}

async function latency(which: Set<string>): Promise<void> {
  const fleet = await startFleet({ accounts: 1, tenantsPerAccount: 4, ...(await store()) });
  try {
    await armThrottling(fleet.world);
    if (which.has('2a'))
      await firstCallLatency(fleet, fleet.world.client, '2a. queue → first AWS call (same node)');
    if (which.has('2b')) {
      // A second node on the same store that only serves the API: the worker finds the job by polling.
      const { world } = fleet;
      const { accessKeyId, secretAccessKey } = world.sandbox.credentials;
      const apiNode = await startSlipwayNode({
        store: world.store,
        secrets: world.secrets,
        aws: {
          endpoint: world.sandbox.endpoint,
          credentials: { kind: 'static', accessKeyId, secretAccessKey },
        },
        work: false,
      });
      try {
        const address = await apiNode.app.listen({ port: 0, host: '127.0.0.1' });
        const client = new ApiClient({ server: address, apiKey: world.apiKey });
        await firstCallLatency(fleet, client, '2b. queue → first AWS call (API-only node → worker node)');
      } finally {
        await apiNode.close(5_000);
      }
    }
  } finally {
    await fleet.world.close();
  }
}

async function concurrentLoad(): Promise<void> {
  const fleet = await startFleet({
    accounts: 1,
    tenantsPerAccount: 50,
    concurrency: 50,
    // Real-time rollouts (~5 s each): the first deployments are still rolling when the last start.
    timeScale: 1,
    ...(await store()),
  });
  try {
    const { world } = fleet;
    await armThrottling(world);
    resetRateLimiter();
    collectGarbage();
    const before = memoryNow();
    const load = monitorLoad(before);
    const t0 = performance.now();
    const ids = await deployRelease(fleet, world.client, ['*']);
    const rows = await waitFinal(world, fleet.releaseId, ids, 600_000);
    const seconds = (performance.now() - t0) / 1000;
    const lag = load.stop();
    collectGarbage();
    const after = memoryNow();
    const failed = rows.filter((r) => r.state !== 'success').length;
    console.log(
      `3. ${rows.length} deployments at once on one node (peak concurrent ${peakConcurrent(rows)}, ${failed} failed, ${seconds.toFixed(1)} s): ` +
        `event-loop delay p50 ${lag.p50.toFixed(1)} ms, p95 ${lag.p95.toFixed(1)} ms, p99 ${lag.p99.toFixed(1)} ms, max ${lag.max.toFixed(0)} ms; ` +
        `anchor p95 < ${LAG_ANCHOR_MS} ms; ratio ${(lag.p95 / LAG_ANCHOR_MS).toFixed(3)}` +
        failures(rows),
    );
    console.log(
      `   memory before ${formatMemory(before)}, peak ${formatMemory(lag.peak)}, after ${formatMemory(after)} (before and after: after a full GC)`,
    );
  } finally {
    await fleet.world.close();
  }
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const args = process.argv.slice(2);
const layout = FLEET_LAYOUTS.find((l) => args.includes(l)) ?? 'random';
const parts = args.filter((a) => !FLEET_LAYOUTS.includes(a as FleetLayout) && a !== 'postgres');
if (args.includes('postgres')) {
  const reason = postgresUnavailableReason();
  if (reason) throw new Error(`PostgreSQL: ${reason}`);
  postgres = await startPostgres();
}
console.log(`store: ${postgres ? 'PostgreSQL' : 'PGlite'}`);
const which = new Set(parts.length ? parts : ['1', '2', '3']);
const expand = (part: string, subs: string[]) => {
  if (which.has(part)) for (const s of subs) which.add(s);
};
expand('1', ['1a', '1b']);
expand('2', ['2a', '2b']);
// One part at a time: each measures throughput or latency and would disturb the others.
try {
  const fleet = { accounts: ACCOUNTS, tenantsPerAccount: TENANTS_PER_ACCOUNT, layout };
  if (which.has('1a'))
    await fanOut('1a. fan-out, concurrency 200', { ...fleet, concurrency: 200, ...(await store()) });
  if (which.has('1b'))
    await fanOut('1b. fan-out, concurrency 50 (the default)', {
      ...fleet,
      concurrency: 50,
      ...(await store()),
    });
  if (which.has('2a') || which.has('2b')) await latency(which);
  if (which.has('3')) await concurrentLoad();
} finally {
  await postgres?.stop();
}
