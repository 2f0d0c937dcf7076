/**
 * Benchmark 1, fan-out: one release to 200 tenants (50 ECS services in each of 4 AWS accounts)
 * with sandbox throttling on. Reports the time from the deploy request to the last deployment's
 * end against the floor RegisterTaskDefinition's limit sets, where that time went, the AWS calls
 * per deployment and the throttling errors AWS returned.
 */
import { performance } from 'node:perf_hooks';
import { resetRateLimiter } from '../../src/aws/clients.js';
import { DEFAULT_BURST_HEADROOM, DEFAULT_HEADROOM } from '../../src/aws/rate-limit.js';
import { armThrottling, startFleet, type Fleet, type FleetOptions } from './fleet.js';
import {
  collectGarbage,
  deployRelease,
  failures,
  formatMemory,
  memoryNow,
  monitorLoad,
  peakConcurrent,
  recordCalls,
  sandboxStats,
  tenantIds,
  waitFinal,
  type DeploymentTimes,
} from './measure.js';

/** RegisterTaskDefinition (bucket taskDefinitionModify): burst 20, then 1 per second (src/core/aws-limits.ts). */
const REGISTER_BURST = 20;
const REGISTER_PER_SECOND = 1;
/** The anchor: within 1.2× the floor. */
const ANCHOR = 1.2;

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** Per account: when its deployments started and when its last one finished. */
async function perAccount(fleet: Fleet, rows: DeploymentTimes[], t0: number): Promise<string> {
  const idOf = await tenantIds(fleet.world);
  return fleet.accounts
    .map((account, i) => {
      const mine = new Set(fleet.tenants.filter((t) => t.account === account).map((t) => idOf.get(t.name)));
      const own = rows.filter((r) => r.tenantId !== null && mine.has(r.tenantId));
      const started = own.map((r) => (r.startedAt ?? t0) - t0);
      const finished = own.map((r) => (r.finishedAt ?? t0) - t0);
      return (
        `account ${i + 1}: started ${seconds(Math.min(...started))}–${seconds(Math.max(...started))} s, ` +
        `last finished ${seconds(Math.max(...finished))} s`
      );
    })
    .join('; ');
}

/** Deploys the fleet's release to every tenant at once and prints the figures. */
async function deployEveryTenant(label: string, fleet: Fleet): Promise<void> {
  const { world } = fleet;
  await armThrottling(world);
  // Slipway's limiter starts full too, like the sandbox's buckets once armed.
  resetRateLimiter();
  const recorder = recordCalls(world);
  collectGarbage();
  const before = memoryNow();
  const load = monitorLoad(before);
  const t0 = Date.now();
  const p0 = performance.now();
  const ids = await deployRelease(fleet, world.client, ['*']);
  const requestMs = performance.now() - p0;
  const rows = await waitFinal(world, fleet.releaseId, ids, 600_000);
  const lag = load.stop();
  collectGarbage();
  const after = memoryNow();
  recorder.stop();
  const stats = await sandboxStats(world);

  const n = rows.length;
  const accounts = fleet.accounts.length;
  const each = n / accounts;
  const floor = (each - REGISTER_BURST) / REGISTER_PER_SECOND;
  const total = (Math.max(...rows.map((r) => r.finishedAt ?? t0)) - t0) / 1000;
  const failed = rows.filter((r) => r.state !== 'success').length;
  console.log(
    `${label}: ${n} deployments (${accounts} accounts × ${each}), ${failed} failed; total ${total.toFixed(1)} s; ` +
      `floor ${floor} s (RegisterTaskDefinition: burst ${REGISTER_BURST}, then ${REGISTER_PER_SECOND}/s per account); ` +
      `time/floor ${(total / floor).toFixed(2)}; anchor ≤ ${ANCHOR}× floor; ratio ${(total / floor / ANCHOR).toFixed(2)}` +
      failures(rows),
  );

  // Where the time went: before the first AWS call, the registrations, after the last one.
  const pacing =
    (each - Math.floor(REGISTER_BURST * DEFAULT_BURST_HEADROOM)) / (REGISTER_PER_SECOND * DEFAULT_HEADROOM);
  const registrations = recorder.calls
    .filter((c) => c.action === 'ecs:RegisterTaskDefinition' && c.outcome === 'ok')
    .map((c) => c.at - p0);
  const firstCall = (recorder.calls[0]?.at ?? p0) - p0;
  const lastStart = Math.max(...rows.map((r) => (r.startedAt ?? t0) - t0));
  console.log(
    `   request answered after ${requestMs.toFixed(0)} ms; first AWS call at ${seconds(firstCall)} s; ` +
      `${registrations.length} registrations from ${seconds(Math.min(...registrations))} to ${seconds(Math.max(...registrations))} s ` +
      `(the client-side limiter keeps to ${DEFAULT_BURST_HEADROOM} of the burst and ${DEFAULT_HEADROOM} of the rate: ` +
      `${pacing.toFixed(1)} s at best = ${(pacing / floor).toFixed(2)}× floor); last deployment started at ${seconds(lastStart)} s; ` +
      `peak concurrent ${peakConcurrent(rows)}`,
  );
  console.log(`   ${await perAccount(fleet, rows, t0)}`);
  const calls = Object.entries(stats)
    .filter(([, a]) => a.calls > 0)
    .sort((a, b) => b[1].calls - a[1].calls)
    .map(([action, a]) => `${action.replace(/^ecs:/, '')} ${(a.calls / n).toFixed(2)}`)
    .join(', ');
  const throttled = Object.values(stats).reduce((s, a) => s + a.throttled, 0);
  console.log(`   AWS calls per deployment: ${calls}`);
  console.log(`   throttling errors returned by AWS (the sandbox): ${throttled}`);
  console.log(
    `   event-loop delay p50 ${lag.p50.toFixed(1)} ms, p95 ${lag.p95.toFixed(1)} ms, p99 ${lag.p99.toFixed(1)} ms, ` +
      `max ${lag.max.toFixed(0)} ms; memory before ${formatMemory(before)}, peak ${formatMemory(lag.peak)}, ` +
      `after ${formatMemory(after)} (before and after: after a full GC)`,
  );
}

/** Builds a fleet of `options`, deploys to every tenant, prints, and tears the world down. */
export async function fanOut(label: string, options: FleetOptions): Promise<void> {
  const fleet = await startFleet(options);
  try {
    console.log(
      `${label}: seeded ${fleet.accounts.length} accounts, ${fleet.tenants.length} tenants and services ` +
        `(tenants spread over the accounts: ${options.layout ?? 'random'}) in ${fleet.seedSeconds.toFixed(1)} s`,
    );
    await deployEveryTenant(label, fleet);
  } finally {
    await fleet.world.close();
  }
}
