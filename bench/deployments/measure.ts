/**
 * What the deployment benchmarks measure with: the sandbox's calls as they happen, deployments
 * reaching a final state (read from the store), the sandbox's per-action statistics, event-loop
 * delay and memory, and a few formatting helpers.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { z } from 'zod';
import type { ApiClient } from '../../src/cli/api-client.js';
import { deploymentsCreatedSchema } from '../../src/cli/ci/schemas.js';
import { isFinalState, type DeploymentState } from '../../src/core/model/release.js';
import type { World } from '../../test/helpers/slipway-world.js';
import { ENVIRONMENT, sandboxAdmin, type Fleet } from './fleet.js';

/** Deploys the fleet's release to `tenants` (names, or `*`) through `client`; answers the deployment ids. */
export async function deployRelease(fleet: Fleet, client: ApiClient, tenants: string[]): Promise<string[]> {
  const created = await client.post(
    client.spacePath('deployments'),
    { release: fleet.releaseId, environment: ENVIRONMENT, tenants },
    deploymentsCreatedSchema,
  );
  return created.items.map((d) => d.id);
}

/** One call the sandbox answered: `performance.now()` when it counted it, `ecs:DescribeServices`, outcome. */
export interface SandboxCall {
  at: number;
  action: string;
  outcome: 'ok' | 'throttled' | 'error';
}

/** The sandbox's calls, recorded in this process as the sandbox counts them. */
export interface CallRecorder {
  calls: SandboxCall[];
  /** The first call counted at or after `since` (performance.now()), waiting for it up to `timeoutMs`. */
  firstAfter(since: number, timeoutMs?: number): Promise<SandboxCall>;
  stop(): void;
}

/**
 * Records every call the in-process sandbox counts (it counts a call when it answers it, a
 * fraction of a millisecond after it arrived). Wraps the runtime's `count`, which the sandbox
 * calls once per API call.
 */
export function recordCalls(world: World): CallRecorder {
  const runtime = world.sandbox.runtime;
  const original = runtime.count.bind(runtime);
  const calls: SandboxCall[] = [];
  let waiters: { since: number; resolve: (c: SandboxCall) => void }[] = [];
  runtime.count = (service, action, outcome) => {
    const call: SandboxCall = { at: performance.now(), action: `${service}:${action}`, outcome };
    calls.push(call);
    const ready = waiters.filter((w) => call.at >= w.since);
    waiters = waiters.filter((w) => call.at < w.since);
    for (const w of ready) w.resolve(call);
    original(service, action, outcome);
  };
  return {
    calls,
    firstAfter(since, timeoutMs = 60_000) {
      const seen = calls.find((c) => c.at >= since);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no AWS call within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          since,
          resolve: (c) => {
            clearTimeout(timer);
            resolve(c);
          },
        });
      });
    },
    stop() {
      runtime.count = original;
    },
  };
}

/** A deployment's state and times, as the store has them. */
export interface DeploymentTimes {
  id: string;
  tenantId: string | null;
  state: string;
  error: string | null;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
}

const ms = (v: Date | string | null | undefined) => (v ? new Date(v).getTime() : undefined);

/** The deployments of a release (one store query). */
export async function deploymentsOf(world: World, releaseId: string): Promise<DeploymentTimes[]> {
  const rows = await world.store.db
    .selectFrom('deployments')
    .select(['id', 'tenant_id', 'state', 'error', 'created_at', 'started_at', 'finished_at'])
    .where('release_id', '=', releaseId)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    state: r.state,
    error: r.error,
    createdAt: ms(r.created_at)!,
    ...(r.started_at ? { startedAt: ms(r.started_at)! } : {}),
    ...(r.finished_at ? { finishedAt: ms(r.finished_at)! } : {}),
  }));
}

/**
 * Waits until `ids` are all final, reading the store every `everyMs` (one query, so that waiting
 * costs the node little); answers their final rows.
 */
export async function waitFinal(
  world: World,
  releaseId: string,
  ids: readonly string[],
  timeoutMs: number,
  everyMs = 100,
): Promise<DeploymentTimes[]> {
  const wanted = new Set(ids);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = (await deploymentsOf(world, releaseId)).filter((r) => wanted.has(r.id));
    if (rows.length === wanted.size && rows.every((r) => isFinalState(r.state as DeploymentState)))
      return rows;
    if (Date.now() > deadline) {
      const open = rows.filter((r) => !isFinalState(r.state as DeploymentState)).length;
      throw new Error(`${open} of ${wanted.size} deployments not final after ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const statsSchema = z.object({
  actions: z.record(z.string(), z.object({ calls: z.number(), throttled: z.number(), errors: z.number() })),
});

/** The sandbox's per-action statistics (`ecs:DescribeServices` → calls, throttled, errors). */
export async function sandboxStats(world: World): Promise<z.output<typeof statsSchema>['actions']> {
  return statsSchema.parse(await sandboxAdmin(world, 'GET', 'stats')).actions;
}

/** The most deployments that were executing at the same moment. */
export function peakConcurrent(rows: readonly DeploymentTimes[]): number {
  const edges = rows.flatMap((r) =>
    r.startedAt !== undefined && r.finishedAt !== undefined
      ? [
          { at: r.startedAt, d: 1 },
          { at: r.finishedAt, d: -1 },
        ]
      : [],
  );
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let peak = 0;
  for (const e of edges) peak = Math.max(peak, (now += e.d));
  return peak;
}

/** Lines naming up to five deployments that did not succeed (empty when all did). */
export function failures(rows: readonly DeploymentTimes[]): string {
  const failed = rows.filter((r) => r.state !== 'success');
  if (failed.length === 0) return '';
  const sample = failed
    .slice(0, 5)
    .map((r) => `${r.id} ${r.state}: ${r.error ?? ''}`)
    .join('\n     ');
  return `\n   failed: ${sample}${failed.length > 5 ? `\n     … and ${failed.length - 5} more` : ''}`;
}

/** Tenant ids by name (one store query). */
export async function tenantIds(world: World): Promise<Map<string, string>> {
  const rows = await world.store.db
    .selectFrom('resources')
    .select(['id', 'name'])
    .where('kind', '=', 'tenant')
    .execute();
  return new Map(rows.map((r) => [r.name, r.id]));
}

/** The value at fraction `p` of sorted `xs` (nearest rank). */
export function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

let gcFn: (() => void) | undefined;
/** A full garbage collection (made available at run time; node needs no --expose-gc flag). */
export function collectGarbage(): void {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
}

/** Memory of this process in MiB. */
export interface Memory {
  rss: number;
  heapUsed: number;
}

const MiB = 1024 * 1024;
/** RSS and heap now. */
export function memoryNow(): Memory {
  const m = process.memoryUsage();
  return { rss: m.rss / MiB, heapUsed: m.heapUsed / MiB };
}

/** Event-loop delay and memory of this process during a run. */
export interface LoadMonitor {
  /** Stops sampling; answers how late the loop was (percentiles and max, ms) and the peak memory. */
  stop(): { p50: number; p95: number; p99: number; max: number; peak: Memory };
}

/** How often the event-loop delay is sampled (ms). */
const RESOLUTION_MS = 10;

/**
 * Starts sampling event-loop delay and memory (every 100 ms; the peak starts at `start`, default
 * now). The histogram records the time
 * between its timer's runs, so the figures answered are that minus the 10 ms sampling period:
 * how late the loop was.
 */
export function monitorLoad(start: Memory = memoryNow()): LoadMonitor {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  // RSS may shrink a little after the GC that preceded `start`: the peak is never below it.
  const peak = { ...start };
  const timer = setInterval(() => {
    const m = memoryNow();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      h.disable();
      const late = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
      return {
        p50: late(h.percentile(50)),
        p95: late(h.percentile(95)),
        p99: late(h.percentile(99)),
        max: late(h.max),
        peak,
      };
    },
  };
}

/** `123 MiB rss / 45 MiB heap`. */
export function formatMemory(m: Memory): string {
  return `${m.rss.toFixed(0)} MiB rss / ${m.heapUsed.toFixed(0)} MiB heap`;
}
