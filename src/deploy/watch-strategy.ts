/**
 * The polling loop for strategy deployments (BLUE_GREEN, LINEAR, CANARY): follows each service
 * deployment by its ARN (DescribeServiceDeployments, 20 ARNs a call for many services), judges it
 * with the strategy judge, shows its stage and traffic weights, and hands PAUSE hooks to whoever
 * answers them (the server's manual intervention) without holding up the other services.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { isSlipwayError, messageOf } from '../core/errors.js';
import { makeEvent, type EventSink } from '../core/events.js';
import {
  describeServiceDeployment,
  judgeServiceDeployment,
  startStrategyTracking,
  type RevisionSnapshot,
  type ServiceDeploymentSnapshot,
  type StrategyJudgeConfig,
  type StrategyTracking,
  type StrategyVerdict,
} from '../core/rollout/service-deployment.js';
import { shortTaskDefinition } from '../core/rollout/types.js';
import type { Clock } from './clock.js';
import { HookSettled, type PauseAnswerer, type PausedHook } from './service-input.js';
import { say, type DeploymentRow, type StrategyState } from './progress.js';
import {
  answerHook,
  describeServiceDeployments,
  stopServiceDeployment,
  toServiceDeploymentSnapshot,
} from './service-deployments.js';

/** One service deployment being watched. */
export interface StrategyItem {
  service: string;
  /** Our revision (the target) and the one it replaces, for the table. */
  taskDefinitionArn: string;
  previousTaskDefinitionArn: string;
  /** Service revision ARN → its task definition, where known (DescribeServiceRevisions); beats the two above. */
  revisions?: ReadonlyMap<string, string>;
  tracking: StrategyTracking;
  verdict?: StrategyVerdict;
  snapshot?: ServiceDeploymentSnapshot;
  /** The PAUSE hook handed to the answerer (so it is asked once). */
  answering?: string;
  /** Aborts the answerer asked about `answering` once the hook no longer waits for it. */
  answeringSettled?: AbortController;
  /** Polls in a row where ECS did not know the ARN. */
  misses: number;
  rowsKey: string;
}

/** A new strategy watch item. */
export function strategyItem(
  service: string,
  arn: string,
  taskDefinitionArn: string,
  previousTaskDefinitionArn: string,
  now: number,
): StrategyItem {
  return {
    service,
    taskDefinitionArn,
    previousTaskDefinitionArn,
    tracking: startStrategyTracking(arn, now),
    misses: 0,
    rowsKey: '',
  };
}

export interface StrategyWatchContext {
  ecs: ECSClient;
  cluster: string;
  emit: EventSink;
  clock: Clock;
  config: StrategyJudgeConfig;
  /** Answers PAUSE hooks (config.onPause 'wait'); without it a paused deployment just waits. */
  answer?: PauseAnswerer;
  /** On abort (our cancel), roll the ECS deployments back with StopServiceDeployment (default: leave them). */
  stopOnCancel?: boolean;
}

/** After this many polls without our ARN in the answer, the deployment counts as vanished. */
const MISSES_ALLOWED = 5;
/**
 * One DescribeServiceDeployments per 20 services a second, bakes included: a stage change is seen
 * within a second (bench/strategies.bench.ts), for at most one call a second per 20 services.
 */
const POLL_MS = 1000;

/**
 * The table rows of a service deployment: our target revision and the sources. ROLLOUT is what the
 * service deployment says (IN_PROGRESS while it is, even when the `ecs-svc/…` deployment of a first
 * deployment paused at a hook already says COMPLETED); each row carries its revision's weights.
 */
export function strategyRows(item: StrategyItem, d: ServiceDeploymentSnapshot): DeploymentRow[] {
  const row = (r: RevisionSnapshot, status: string, fallback: string): DeploymentRow => ({
    id: r.arn,
    taskDefinition: shortTaskDefinition(item.revisions?.get(r.arn) ?? fallback),
    status,
    rolloutState: d.status,
    desired: r.requested,
    pending: r.pending,
    running: r.running,
    failed: 0,
    ...(r.testWeight !== undefined ? { testWeight: r.testWeight } : {}),
    ...(r.productionWeight !== undefined ? { productionWeight: r.productionWeight } : {}),
  });
  return [
    ...(d.target ? [row(d.target, 'TARGET', item.taskDefinitionArn)] : []),
    ...d.sources.map((s) => row(s, 'SOURCE', item.previousTaskDefinitionArn)),
  ];
}

/** Where the deployment stands, for the line under the table and the events' data. */
export function strategyState(item: StrategyItem, d: ServiceDeploymentSnapshot): StrategyState {
  return {
    strategy: d.strategy,
    status: d.status,
    stage: d.stage ?? null,
    testWeight: d.target?.testWeight ?? null,
    productionWeight: d.target?.productionWeight ?? null,
    revision: shortTaskDefinition(
      (d.target ? item.revisions?.get(d.target.arn) : undefined) ?? item.taskDefinitionArn,
    ),
  };
}

/**
 * Polls until every item has a verdict. `onDone` runs for each verdict and may clear it (return
 * true) to keep watching the same deployment (after asking ECS to roll it back). Rejects with the
 * signal's reason when the clock's signal aborts (after rolling back when `stopOnCancel`).
 */
export async function watchStrategies(
  ctx: StrategyWatchContext,
  items: StrategyItem[],
  onDone: (item: StrategyItem) => Promise<boolean> = () => Promise.resolve(false),
): Promise<void> {
  let errorDelay = 0;
  try {
    for (;;) {
      const open = items.filter((i) => !i.verdict);
      if (open.length === 0) return;
      let described;
      try {
        described = await describeServiceDeployments(
          ctx.ecs,
          open.map((i) => i.tracking.arn),
        );
        errorDelay = 0;
      } catch (e) {
        if (isSlipwayError(e)) throw e;
        errorDelay = Math.min(8000, errorDelay === 0 ? 1000 : errorDelay * 2);
        ctx.emit(
          makeEvent(
            'aws.retry',
            `DescribeServiceDeployments failed (${messageOf(e)}); polling again in ${errorDelay} ms`,
            {
              services: open.map((i) => i.service),
            },
          ),
        );
        await ctx.clock.pause(errorDelay);
        continue;
      }
      for (const item of open) {
        const raw = described.get(item.tracking.arn);
        const subject = { service: item.service, cluster: ctx.cluster };
        if (!raw) {
          item.misses += 1;
          if (item.misses >= MISSES_ALLOWED) {
            item.verdict = {
              kind: 'failed',
              ecsRolledBack: false,
              rollbackFailed: false,
              canceled: false,
              reason: `ECS no longer knows service deployment ${item.tracking.arn}`,
            };
            if (await onDone(item)) delete item.verdict;
          }
          continue;
        }
        item.misses = 0;
        const d = toServiceDeploymentSnapshot(raw);
        const res = judgeServiceDeployment(d, ctx.clock.now(), item.tracking, ctx.config);
        item.tracking = res.tracking;
        item.snapshot = d;
        const line = describeServiceDeployment(d, shortTaskDefinition(item.taskDefinitionArn));
        if (res.newStage)
          say(ctx.emit, 'deploy.stage', subject, line, {
            serviceDeploymentArn: d.arn,
            stage: d.stage ?? null,
            status: d.status,
            strategy: d.strategy,
            testWeight: d.target?.testWeight ?? null,
            productionWeight: d.target?.productionWeight ?? null,
            target: d.target ?? null,
            sources: d.sources,
            hooks: d.hooks,
          });
        const rows = strategyRows(item, d);
        const state = strategyState(item, d);
        // A new stage or weight is news even when the rows stay the same.
        const key = JSON.stringify([rows, state]);
        if (key !== item.rowsKey) {
          item.rowsKey = key;
          say(ctx.emit, 'deploy.deployments', subject, line, {
            deploymentId: d.arn,
            serviceDeploymentArn: d.arn,
            ...state,
            deployments: rows,
          });
        }
        if (item.answering !== undefined && res.awaiting?.hookId !== item.answering) {
          // Answered elsewhere (the CLI, the console), timed out, or rolled back: stop asking.
          item.answeringSettled?.abort(settledHook(d, item.answering));
          delete item.answeringSettled;
          delete item.answering;
        }
        if (res.awaiting && item.answering !== res.awaiting.hookId) {
          item.answering = res.awaiting.hookId;
          const paused: PausedHook = {
            ...subject,
            serviceDeploymentArn: d.arn,
            stage: d.stage ?? 'an unknown stage',
            hook: res.awaiting,
            taskDefinitionArn: item.taskDefinitionArn,
          };
          say(
            ctx.emit,
            'deploy.paused',
            subject,
            `paused at ${paused.stage}: PAUSE hook ${paused.hook.hookId} awaits action${paused.hook.expiresAt ? ` until ${new Date(paused.hook.expiresAt).toISOString()} (then ${paused.hook.timeoutAction ?? 'its timeout action'})` : ''}`,
            { serviceDeploymentArn: d.arn, stage: paused.stage, hook: paused.hook },
          );
          if (ctx.answer && ctx.config.onPause === 'wait') {
            item.answeringSettled = new AbortController();
            handAnswer(ctx, paused, item.answeringSettled.signal);
          }
        }
        if (res.verdict.kind !== 'in-progress') {
          item.verdict = res.verdict;
          if (await onDone(item)) delete item.verdict;
        }
      }
      if (items.every((i) => i.verdict)) return;
      await ctx.clock.pause(POLL_MS);
    }
  } catch (e) {
    if (ctx.stopOnCancel && ctx.clock.aborted?.()) await stopAll(ctx, items);
    throw e;
  } finally {
    // The watch is over: no question stays open waiting for an answer nobody will send.
    for (const item of items) {
      if (item.answering !== undefined && item.snapshot)
        item.answeringSettled?.abort(settledHook(item.snapshot, item.answering));
      delete item.answeringSettled;
    }
  }
}

const BACKWARDS = new Set([
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
]);

/**
 * What became of PAUSE hook `hookId`, which no longer awaits action: its own status while ECS still
 * lists it, else the deployment's (ECS lists only the current stage's hooks).
 */
function settledHook(d: ServiceDeploymentSnapshot, hookId: string): HookSettled {
  const hook = d.hooks.find((h) => h.hookId === hookId);
  if (hook && hook.status !== 'AWAITING_ACTION')
    return new HookSettled(hook.status === 'SUCCEEDED', `the hook is ${hook.status}`);
  const backwards = BACKWARDS.has(d.status) || d.status === 'STOP_REQUESTED' || d.status === 'STOPPED';
  return new HookSettled(
    d.status === 'PENDING' ? undefined : !backwards,
    `the deployment is ${d.status}${d.stage ? ` at ${d.stage}` : ''}`,
  );
}

/** Asks the answerer in the background (other services keep being watched) and sends its answer. */
function handAnswer(ctx: StrategyWatchContext, paused: PausedHook, settled: AbortSignal): void {
  const subject = { service: paused.service, cluster: paused.cluster };
  void ctx.answer!(paused, settled)
    .then(async (action) => {
      if (!action || settled.aborted) return;
      await answerHook(ctx.ecs, paused.serviceDeploymentArn, paused.hook.hookId, action);
      say(
        ctx.emit,
        'deploy.hook-answered',
        subject,
        `answered PAUSE hook ${paused.hook.hookId} at ${paused.stage}: ${action}`,
        {
          serviceDeploymentArn: paused.serviceDeploymentArn,
          hookId: paused.hook.hookId,
          action,
        },
      );
    })
    .catch((e: unknown) => {
      // Answered elsewhere, timed out, or canceled: the next polls show what ECS did.
      say(
        ctx.emit,
        'deploy.hook-answered',
        subject,
        `could not answer PAUSE hook ${paused.hook.hookId}: ${messageOf(e)}`,
        { serviceDeploymentArn: paused.serviceDeploymentArn, hookId: paused.hook.hookId },
        'warn',
      );
    });
}

/** Our cancel, when asked to stop ECS too: roll back every deployment still going. */
async function stopAll(ctx: StrategyWatchContext, items: StrategyItem[]): Promise<void> {
  for (const item of items.filter((i) => !i.verdict)) {
    const subject = { service: item.service, cluster: ctx.cluster };
    try {
      await stopServiceDeployment(ctx.ecs, item.tracking.arn, 'ROLLBACK');
      say(
        ctx.emit,
        'deploy.rollback-started',
        subject,
        `canceled: asked ECS to roll back service deployment ${item.tracking.arn}`,
        {
          serviceDeploymentArn: item.tracking.arn,
        },
      );
    } catch (e) {
      say(
        ctx.emit,
        'deploy.rollback-failed',
        subject,
        `canceled, but ECS refused to stop service deployment ${item.tracking.arn}: ${messageOf(e)}`,
        { serviceDeploymentArn: item.tracking.arn },
      );
    }
  }
}
