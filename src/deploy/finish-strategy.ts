/**
 * How a strategy deployment (BLUE_GREEN, LINEAR, CANARY) ends: ECS's status becomes our result,
 * a PAUSE becomes `paused` with what to run next, and with --enable-rollback a deployment we gave
 * up on (timed out, inactive) is rolled back by StopServiceDeployment(ROLLBACK) and watched to the end.
 */
import { messageOf } from '../core/errors.js';
import { shortTaskDefinition } from '../core/rollout/types.js';
import type { FinishOptions } from './finish.js';
import { say } from './progress.js';
import type { ServiceDeployResult } from './request.js';
import { stopServiceDeployment } from './service-deployments.js';
import type { StrategyItem, StrategyWatchContext } from './watch-strategy.js';

/** The commands that answer a paused deployment of `service`. */
export function pauseHelp(cluster: string, service: string): string {
  return `run "slipway ecs-deploy continue -c ${cluster} -n ${service}" to go on, or "slipway ecs-deploy rollback -c ${cluster} -n ${service}" to roll back`;
}

/** One service's strategy deployment as it ends: its result is set here. */
export interface StrategyTrack {
  service: string;
  cluster: string;
  /** Why we gave up on it (kept for the rollback's result). */
  failure?: string;
  result?: ServiceDeployResult;
}

/**
 * Turns a strategy verdict into the track's result; returns true to keep watching the same
 * deployment (our rollback was requested).
 */
export async function finishStrategy(
  t: StrategyTrack,
  item: StrategyItem,
  options: FinishOptions,
  ctx: StrategyWatchContext,
): Promise<boolean> {
  const plan = t;
  const v = item.verdict!;
  const arn = item.tracking.arn;
  const subject = { service: plan.service, cluster: plan.cluster };
  const ours = item.taskDefinitionArn;
  const previous = item.previousTaskDefinitionArn;
  const stage = item.snapshot?.stage;
  // A failure is named by the stage it failed at, not the CLEAN_UP its rollback ended in.
  const failedAt = item.tracking.failedAtStage ?? stage;
  const base: Omit<ServiceDeployResult, 'outcome' | 'message' | 'runningTaskDefinitionArn'> = {
    name: plan.service,
    taskDefinitionArn: ours,
    deploymentId: arn,
    serviceDeploymentArn: arn,
    ...(stage ? { stage } : {}),
  };
  const data = {
    deploymentId: arn,
    serviceDeploymentArn: arn,
    taskDefinitionArn: ours,
    stage: stage ?? null,
  };
  const weRolledBack = item.tracking.stopRequestedByUs === 'rollback';
  switch (v.kind) {
    case 'succeeded': {
      const msg = `service deployment ${arn} of ${shortTaskDefinition(ours)} completed (SUCCESSFUL)`;
      say(ctx.emit, 'deploy.succeeded', subject, msg, data);
      t.result = {
        ...base,
        outcome: 'succeeded',
        message: `${plan.service}: ${msg}.`,
        runningTaskDefinitionArn: ours,
      };
      return false;
    }
    case 'reached': {
      const msg = `service deployment ${arn} of ${shortTaskDefinition(ours)} reached ${v.stage}; ECS goes on with the rest (--wait-until)`;
      say(ctx.emit, 'deploy.succeeded', subject, msg, data);
      t.result = {
        ...base,
        outcome: 'succeeded',
        message: `${plan.service}: ${msg}.`,
        runningTaskDefinitionArn: ours,
      };
      return false;
    }
    case 'paused': {
      const msg = `paused at ${v.stage} (PAUSE hook ${v.hook.hookId}${v.hook.expiresAt ? `, until ${new Date(v.hook.expiresAt).toISOString()}, then ${v.hook.timeoutAction ?? 'its timeout action'}` : ''}): ${pauseHelp(plan.cluster, plan.service)}`;
      t.result = {
        ...base,
        outcome: 'paused',
        stage: v.stage,
        pausedHookId: v.hook.hookId,
        message: `${plan.service}: ${msg}.`,
        runningTaskDefinitionArn: ours,
      };
      return false;
    }
    case 'failed': {
      const why = v.reason;
      if (weRolledBack && (v.ecsRolledBack || v.rollbackFailed)) {
        const ok = v.ecsRolledBack;
        const msg = ok
          ? `rolled back to ${shortTaskDefinition(previous)} (service deployment ${arn} ROLLBACK_SUCCESSFUL)`
          : `the rollback of service deployment ${arn} failed: ${why}`;
        say(ctx.emit, ok ? 'deploy.rollback-succeeded' : 'deploy.rollback-failed', subject, msg, data);
        t.result = {
          ...base,
          outcome: ok ? 'failed-rolled-back' : 'rollback-failed',
          message: `${plan.service}: the deployment failed (${t.failure ?? 'see above'}); ${msg}.`,
          runningTaskDefinitionArn: ok ? previous : ours,
        };
        return false;
      }
      const outcome = v.rollbackFailed
        ? 'rollback-failed'
        : v.ecsRolledBack
          ? 'failed-ecs-rolled-back'
          : 'failed';
      const tail = v.rollbackFailed
        ? '; ECS could not roll it back (ROLLBACK_FAILED): the service needs a person'
        : v.ecsRolledBack
          ? `; ECS rolled the service back to ${shortTaskDefinition(previous)}`
          : v.canceled
            ? ' (stopped on our cancel)'
            : '';
      const msg = `service deployment ${arn} of ${shortTaskDefinition(ours)} failed${failedAt ? ` at ${failedAt}` : ''}: ${why}${tail}`;
      say(ctx.emit, 'deploy.failed', subject, msg, {
        ...data,
        reason: why,
        ecsRolledBack: v.ecsRolledBack,
        rollbackFailed: v.rollbackFailed,
        runningTaskDefinitionArn: v.ecsRolledBack ? previous : ours,
      });
      t.result = {
        ...base,
        outcome,
        message: `${plan.service}: ${msg}.`,
        runningTaskDefinitionArn: v.ecsRolledBack ? previous : ours,
      };
      return false;
    }
    case 'timed-out':
    case 'inactive': {
      const why =
        v.kind === 'timed-out'
          ? `it did not complete within ${options.timeoutSeconds} s outside its expected waits (ECS may still be deploying)`
          : `nothing changed for ${options.inactivityTimeoutSeconds} s outside its expected waits (ECS may still be deploying)`;
      t.failure = why;
      const head = `service deployment ${arn} of ${shortTaskDefinition(ours)} stopped being watched${stage ? ` at ${stage}` : ''}: ${why}`;
      say(ctx.emit, 'deploy.timeout', subject, head, { ...data, failure: v.kind, reason: why });
      if (options.enableRollback && !weRolledBack) {
        try {
          await stopServiceDeployment(ctx.ecs, arn, 'ROLLBACK');
          say(
            ctx.emit,
            'deploy.rollback-started',
            subject,
            `asked ECS to roll back service deployment ${arn} (StopServiceDeployment ROLLBACK)`,
            data,
          );
          item.tracking = {
            ...item.tracking,
            stopRequestedByUs: 'rollback',
            startedAt: ctx.clock.now(),
            lastChangeAt: ctx.clock.now(),
            expectedWaitMs: 0,
          };
          return true;
        } catch (e) {
          const err = messageOf(e);
          say(
            ctx.emit,
            'deploy.rollback-failed',
            subject,
            `ECS refused to roll back service deployment ${arn}: ${err}`,
            data,
          );
          t.result = {
            ...base,
            outcome: 'rollback-failed',
            message: `${plan.service}: ${head}; ECS refused the rollback: ${err}.`,
            runningTaskDefinitionArn: ours,
          };
          return false;
        }
      }
      t.result = {
        ...base,
        outcome: weRolledBack ? 'rollback-failed' : v.kind,
        message: `${plan.service}: ${head}${weRolledBack ? ' (while rolling back)' : ''}.`,
        runningTaskDefinitionArn: ours,
      };
      return false;
    }
    case 'in-progress':
      return false;
  }
}
