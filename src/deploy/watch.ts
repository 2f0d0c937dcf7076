/**
 * The polling loop: watches the deployments of several services of one cluster at once (one
 * DescribeServices per 10 services), judges each poll, emits progress, and paces itself.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { ECS_BUCKETS } from '../core/aws-limits.js';
import { isSlipwayError } from '../core/errors.js';
import { makeEvent, type EventSink } from '../core/events.js';
import {
  judge,
  startTracking,
  wantsStoppedTasks,
  type JudgeConfig,
  type Verdict,
  type WatchTracking,
} from '../core/rollout/judge.js';
import {
  busyPollDelay,
  minPollIntervalMs,
  nextPollDelay,
  pollPhase,
  type PollState,
} from '../core/rollout/poll.js';
import type { ServiceEventSnapshot, ServiceSnapshot, StoppedTaskSnapshot } from '../core/rollout/types.js';
import { deploymentRows, emitServiceEvents, say, summarizeRows } from './progress.js';
import type { Clock } from './clock.js';
import { describeServices, stoppedTasksOf, toServiceSnapshot } from './snapshot.js';

/** One deployment being watched. */
export interface WatchItem {
  service: string;
  tracking: WatchTracking;
  /** Set once judged done. */
  verdict?: Verdict;
  /** The latest snapshot of the service. */
  snapshot?: ServiceSnapshot;
  poll?: PollState;
  stopped: Map<string, StoppedTaskSnapshot>;
  rowsKey: string;
}

/** A new watch item for `deploymentId`, not repeating `baselineEvents`. */
export function watchItem(
  service: string,
  deploymentId: string,
  taskDefinitionArn: string,
  now: number,
  baselineEvents: ServiceEventSnapshot[],
): WatchItem {
  return {
    service,
    tracking: startTracking(deploymentId, taskDefinitionArn, now, baselineEvents),
    stopped: new Map(),
    rowsKey: '',
  };
}

export interface WatchContext {
  ecs: ECSClient;
  cluster: string;
  emit: EventSink;
  /** Its pauses end the watch (rejecting) when the caller's signal aborts. */
  clock: Clock;
  config: JudgeConfig;
}

/**
 * Polls until every item has a verdict (items are updated in place). `onDone` runs when an item
 * gets its verdict and may return a follow-up item to watch in the same loop (a rollback). Rejects
 * with the signal's reason when the clock's signal aborts (ECS goes on rolling).
 */
export async function watchAll(
  ctx: WatchContext,
  items: WatchItem[],
  onDone: (item: WatchItem) => Promise<WatchItem | undefined> = () => Promise.resolve(undefined),
): Promise<void> {
  let errorDelay = 0;
  let busyDelay = 0;
  for (;;) {
    const open = items.filter((i) => !i.verdict);
    if (open.length === 0) return;
    const names = [...new Set(open.map((i) => i.service))];
    let described;
    try {
      let attempts = 1;
      described = await describeServices(ctx.ecs, ctx.cluster, names, (n) => {
        attempts = Math.max(attempts, n);
      });
      errorDelay = 0;
      // The poll went through only after retries (throttled): ask less often until one goes at once.
      busyDelay = busyPollDelay(busyDelay, attempts);
    } catch (e) {
      if (isSlipwayError(e)) throw e;
      // Throttling past the client's retries, or a network blip: keep watching, slower.
      errorDelay = Math.min(8000, errorDelay === 0 ? 1000 : errorDelay * 2);
      ctx.emit(
        makeEvent(
          'aws.retry',
          `DescribeServices failed (${errorText(e)}); polling again in ${errorDelay} ms`,
          {
            services: names,
          },
        ),
      );
      const now = ctx.clock.now();
      for (const item of open) {
        if (now - item.tracking.startedAt < ctx.config.timeoutMs) continue;
        item.verdict = { kind: 'timed-out' };
        const next = await onDone(item);
        if (next) items.push(next);
      }
      await ctx.clock.pause(errorDelay);
      continue;
    }
    let delay = Number.POSITIVE_INFINITY;
    for (const item of open) {
      const svc = described.get(item.service);
      const snapshot: ServiceSnapshot = svc
        ? toServiceSnapshot(svc)
        : {
            name: item.service,
            status: 'INACTIVE',
            taskDefinitionArn: item.snapshot?.taskDefinitionArn ?? '',
            desiredCount: 0,
            deployments: [],
            events: [],
            circuitBreaker: { enable: false, rollback: false },
          };
      let stoppedTasks: StoppedTaskSnapshot[] | undefined;
      if (wantsStoppedTasks(item.tracking, snapshot)) {
        try {
          stoppedTasks = await stoppedTasksOf(ctx.ecs, ctx.cluster, item.tracking.deploymentId, item.stopped);
        } catch {
          // Only evidence: the next poll tries again.
        }
      }
      const now = ctx.clock.now();
      const res = judge({
        snapshot,
        now,
        tracking: item.tracking,
        config: ctx.config,
        ...(stoppedTasks ? { stoppedTasks } : {}),
      });
      item.tracking = res.tracking;
      item.snapshot = snapshot;
      emitServiceEvents(ctx.emit, item.service, res.newEvents);
      const rows = deploymentRows(snapshot);
      const key = JSON.stringify(rows);
      if (key !== item.rowsKey) {
        item.rowsKey = key;
        say(
          ctx.emit,
          'deploy.deployments',
          { service: item.service },
          summarizeRows(rows) || 'no deployments',
          {
            deploymentId: item.tracking.deploymentId,
            deployments: rows,
          },
        );
      }
      if (res.verdict.kind !== 'in-progress') {
        item.verdict = res.verdict;
        const next = await onDone(item);
        if (next) {
          items.push(next);
          delay = Math.min(delay, next.poll?.delayMs ?? 400);
        }
        continue;
      }
      item.poll = nextPollDelay(
        item.poll,
        pollPhase(snapshot, res.ours, now - item.tracking.startedAt),
        res.changed,
        now,
      );
      delay = Math.min(delay, item.poll.delayMs);
    }
    if (items.every((i) => i.verdict)) return;
    // Several services share the account's read rate with everyone else: never poll faster than a share of it.
    const floor = minPollIntervalMs(names.length, ECS_BUCKETS.serviceRead.perSecond);
    await ctx.clock.pause(Math.max(floor, Number.isFinite(delay) ? delay : floor, busyDelay));
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
