/**
 * How a watched deployment ends: the result and its events, and our rollback when asked for.
 */
import type { EventSink } from '../core/events.js';
import type { Verdict } from '../core/rollout/judge.js';
import { shortTaskDefinition } from '../core/rollout/types.js';
import type { ServicePlan } from './plan.js';
import { say } from './progress.js';
import type { ServiceDeployResult } from './request.js';
import { startRollback } from './rollback.js';
import { deploymentStoppedTasks } from './stopped-tasks.js';
import type { WatchContext, WatchItem } from './watch.js';
import type { StrategyItem } from './watch-strategy.js';
import { messageOf } from '../core/errors.js';

/** What decides how a verdict ends: the limits (for the message) and whether to roll back. */
export interface FinishOptions {
  timeoutSeconds: number;
  inactivityTimeoutSeconds: number;
  enableRollback: boolean;
}

/** One service's deployment as it goes. */
export interface Track {
  plan: ServicePlan;
  item?: WatchItem;
  rollback?: WatchItem;
  /** A strategy deployment (BLUE_GREEN, LINEAR, CANARY) followed by its ARN, instead of `item`. */
  strategy?: StrategyItem;
  /** Why our deployment failed (kept for the rollback's result). */
  failure?: string;
  result?: ServiceDeployResult;
}

function verdictText(v: Verdict, request: FinishOptions): string {
  switch (v.kind) {
    case 'failed':
      return v.reason;
    case 'timed-out':
      return `it did not complete within ${request.timeoutSeconds} s (ECS may still be rolling)`;
    case 'inactive':
      return `nothing changed for ${request.inactivityTimeoutSeconds} s (ECS may still be rolling)`;
    default:
      return v.kind;
  }
}

/** Turns our deployment's verdict into a result, or starts our rollback (returned for watching). */
export async function finishDeployment(
  t: Track,
  item: WatchItem,
  request: FinishOptions,
  ctx: WatchContext,
): Promise<WatchItem | undefined> {
  const { plan } = t;
  const emit = ctx.emit;
  const v = item.verdict!;
  const subject = { service: plan.service, cluster: plan.cluster };
  const id = item.tracking.deploymentId;
  const ours = item.tracking.taskDefinitionArn;
  const base = { name: plan.service, taskDefinitionArn: ours, deploymentId: id };
  const runningNow = item.snapshot?.taskDefinitionArn ?? ours;
  if (v.kind === 'succeeded') {
    const msg = `deployment ${id} of ${shortTaskDefinition(ours)} completed`;
    say(emit, 'deploy.succeeded', subject, msg, { deploymentId: id, taskDefinitionArn: ours });
    t.result = {
      ...base,
      outcome: 'succeeded',
      message: `${plan.service}: ${msg}.`,
      runningTaskDefinitionArn: ours,
    };
    return undefined;
  }
  const why = verdictText(v, request);
  t.failure = why;
  const code = v.kind === 'failed' ? 'deploy.failed' : 'deploy.timeout';
  // Read now, breaker or not: ECS forgets stopped tasks after a while, and a rollback replaces them.
  const stoppedTasks = await deploymentStoppedTasks(ctx.ecs, ctx.cluster, id, item.stopped);
  if (v.kind === 'failed' && v.ecsRolledBack) {
    const msg = `deployment ${id} of ${shortTaskDefinition(ours)} failed: ${why}; ECS rolled the service back to ${shortTaskDefinition(v.nowRunning)}`;
    say(emit, code, subject, msg, {
      deploymentId: id,
      taskDefinitionArn: ours,
      failure: v.failure,
      reason: why,
      ecsRolledBack: true,
      runningTaskDefinitionArn: v.nowRunning,
      stoppedTasks,
    });
    t.result = {
      ...base,
      outcome: 'failed-ecs-rolled-back',
      message: `${plan.service}: ${msg}.`,
      runningTaskDefinitionArn: v.nowRunning,
    };
    return undefined;
  }
  const target = plan.rollbackTarget;
  // Replaced by someone else's newer deployment: rolling back would undo theirs.
  const canRollBack =
    request.enableRollback &&
    !(v.kind === 'failed' && v.failure === 'replaced') &&
    target !== undefined &&
    target !== ours;
  const head = `deployment ${id} of ${shortTaskDefinition(ours)} ${v.kind === 'failed' ? `failed: ${why}` : `stopped being watched: ${why}`}`;
  say(emit, code, subject, head, {
    deploymentId: id,
    taskDefinitionArn: ours,
    failure: v.kind === 'failed' ? v.failure : v.kind,
    reason: why,
    ecsRolledBack: false,
    runningTaskDefinitionArn: runningNow,
    stoppedTasks,
  });
  if (!canRollBack) {
    const note =
      request.enableRollback && v.kind === 'failed' && v.failure !== 'replaced'
        ? ' (no earlier successfully deployed revision to roll back to)'
        : '';
    const outcome = v.kind === 'failed' ? 'failed' : v.kind === 'timed-out' ? 'timed-out' : 'inactive';
    t.result = {
      ...base,
      outcome,
      message: `${plan.service}: ${head}${note}; the service targets ${shortTaskDefinition(runningNow)}.`,
      runningTaskDefinitionArn: runningNow,
    };
    return undefined;
  }
  try {
    t.rollback = await startRollback({
      ecs: ctx.ecs,
      cluster: plan.cluster,
      service: plan.service,
      target,
      reason: why,
      snapshot: item.snapshot,
      before: plan.before,
      emit,
      now: ctx.clock.now(),
    });
    return t.rollback;
  } catch (e) {
    const err = messageOf(e);
    say(
      emit,
      'deploy.rollback-failed',
      subject,
      `rollback to ${shortTaskDefinition(target)} could not start: ${err}`,
      { taskDefinitionArn: target },
    );
    t.result = {
      ...base,
      outcome: 'rollback-failed',
      message: `${plan.service}: ${head}; the rollback to ${shortTaskDefinition(target)} could not start: ${err}.`,
      runningTaskDefinitionArn: runningNow,
    };
    return undefined;
  }
}

/** Turns the rollback's verdict into the result. */
export function finishRollback(t: Track, item: WatchItem, emit: EventSink): undefined {
  const { plan } = t;
  const v = item.verdict!;
  const target = item.tracking.taskDefinitionArn;
  const subject = { service: plan.service, cluster: plan.cluster };
  const base = {
    name: plan.service,
    taskDefinitionArn: t.item?.tracking.taskDefinitionArn ?? target,
    deploymentId: t.item?.tracking.deploymentId ?? '',
  };
  if (v.kind === 'succeeded') {
    const msg = `rolled back to ${shortTaskDefinition(target)} (deployment ${item.tracking.deploymentId} completed)`;
    say(emit, 'deploy.rollback-succeeded', subject, msg, {
      deploymentId: item.tracking.deploymentId,
      taskDefinitionArn: target,
    });
    t.result = {
      ...base,
      outcome: 'failed-rolled-back',
      message: `${plan.service}: the deployment failed (${t.failure ?? 'see above'}); ${msg}.`,
      runningTaskDefinitionArn: target,
    };
    return undefined;
  }
  const why =
    v.kind === 'failed'
      ? v.reason
      : v.kind === 'timed-out'
        ? 'it did not complete in time'
        : 'nothing changed for too long';
  const now = item.snapshot?.taskDefinitionArn ?? target;
  const msg = `rollback to ${shortTaskDefinition(target)} (deployment ${item.tracking.deploymentId}) failed: ${why}; the service targets ${shortTaskDefinition(now)}`;
  say(emit, 'deploy.rollback-failed', subject, msg, {
    deploymentId: item.tracking.deploymentId,
    taskDefinitionArn: target,
    reason: why,
  });
  t.result = {
    ...base,
    outcome: 'rollback-failed',
    message: `${plan.service}: the deployment failed (${t.failure ?? 'see above'}) and the ${msg}.`,
    runningTaskDefinitionArn: now,
  };
  return undefined;
}
