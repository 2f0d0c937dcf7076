/**
 * Lifecycle hooks of a service deployment: the hooks of a stage start together and hold the
 * stage until each SUCCEEDED (or TIMED_OUT with CONTINUE). Lambda hooks answer from the admin
 * API's scripts (`POST /_sandbox/ecs/hook-outcomes`) instead of running a function; PAUSE hooks
 * wait for ContinueServiceDeployment.
 */
import { randomInt } from 'node:crypto';
import type { EcsRegion } from './model.js';
import type { EcsServiceDeploymentRecord, HookOutcome, HookRun } from './service-deployment-model.js';
import { isObject } from './util.js';

/** AWS's default wait before calling an IN_PROGRESS Lambda hook again. */
export const DEFAULT_CALLBACK_DELAY_SECONDS = 30;
/** Hook timeout when timeoutConfiguration gives none (AWS's default is not documented; see conformance.md). */
export const DEFAULT_HOOK_TIMEOUT_MINUTES = 60;
/** Lambda invocations kept for GET /_sandbox/ecs/hook-outcomes. */
const MAX_INVOCATIONS = 200;

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function hookId(pause: boolean): string {
  let s = '';
  for (let i = 0; i < 22; i++) s += ID_CHARS[randomInt(0, ID_CHARS.length)];
  return pause ? `ecs-pause-${s}` : `ecs-hook-${s}`;
}

/** The configured hooks of a deployment, as plain objects. */
function configuredHooks(r: EcsServiceDeploymentRecord): Record<string, unknown>[] {
  const list = r.deploymentConfiguration.lifecycleHooks;
  return Array.isArray(list) ? list.filter(isObject) : [];
}

/** Starts the hooks configured for `hookStage` (replacing the previous stage's). */
export function startHooks(r: EcsServiceDeploymentRecord, hookStage: string, now: number): void {
  r.hooks = configuredHooks(r).flatMap((h, i): HookRun[] => {
    const stages = Array.isArray(h.lifecycleStages) ? h.lifecycleStages : [];
    if (!stages.includes(hookStage)) return [];
    const pause = h.targetType === 'PAUSE';
    const tc = isObject(h.timeoutConfiguration) ? h.timeoutConfiguration : {};
    const minutes =
      typeof tc.timeoutInMinutes === 'number' ? tc.timeoutInMinutes : DEFAULT_HOOK_TIMEOUT_MINUTES;
    return [
      {
        hookId: hookId(pause),
        hookIndex: i,
        targetType: pause ? 'PAUSE' : 'AWS_LAMBDA',
        ...(typeof h.hookTargetArn === 'string' ? { targetArn: h.hookTargetArn } : {}),
        status: pause ? 'AWAITING_ACTION' : 'IN_PROGRESS',
        expiresAt: now + minutes * 60_000,
        timeoutAction: tc.action === 'CONTINUE' ? 'CONTINUE' : 'ROLLBACK',
        ...(pause ? {} : { nextCallAt: now }),
      },
    ];
  });
}

/** The next scripted answer of a function (SUCCEEDED when nothing is scripted). */
function nextOutcome(ecs: EcsRegion, functionArn: string): HookOutcome {
  const script = ecs.hookScripts?.[functionArn];
  if (!script || script.outcomes.length === 0) return { hookStatus: 'SUCCEEDED' };
  let n = script.used;
  script.used++;
  for (const o of script.outcomes) {
    const times = o.times ?? 1;
    if (n < times) return o;
    n -= times;
  }
  return script.outcomes[script.outcomes.length - 1]!;
}

/** The payload ECS sends a Lambda hook. */
function payload(r: EcsServiceDeploymentRecord, stage: string): Record<string, unknown> {
  const weights = (target: number) => {
    const w: Record<string, number> = { [r.targetRevisionArn]: target };
    for (const s of r.sourceRevisionArns) w[s] = 100 - target;
    return w;
  };
  return {
    executionDetails: {
      testTrafficWeights: weights(r.testWeight),
      productionTrafficWeights: weights(r.prodWeight),
      serviceArn: r.serviceArn,
      targetServiceRevisionArn: r.targetRevisionArn,
    },
    executionId: `${r.serviceDeploymentArn.slice(r.serviceDeploymentArn.lastIndexOf('/') + 1)}-${stage}`,
    lifecycleStage: stage,
    resourceArn: r.serviceDeploymentArn,
  };
}

export type HookProgress =
  { state: 'done' } | { state: 'wait'; at?: number } | { state: 'fail'; reason: string };

/** Invokes the Lambda hooks that are due, applies timeouts, and says whether the stage may end. */
export function progressHooks(
  ecs: EcsRegion,
  r: EcsServiceDeploymentRecord,
  stage: string,
  now: number,
): HookProgress {
  let wake: number | undefined;
  const later = (at: number) => (wake = wake === undefined ? at : Math.min(wake, at));
  for (const h of r.hooks) {
    if (
      h.status === 'IN_PROGRESS' &&
      h.nextCallAt !== undefined &&
      h.nextCallAt <= now &&
      now < h.expiresAt
    ) {
      const outcome = nextOutcome(ecs, h.targetArn ?? '');
      const invocations = (ecs.hookInvocations ??= []);
      invocations.push({
        functionArn: h.targetArn ?? '',
        at: now,
        lifecycleStage: stage,
        serviceDeploymentArn: r.serviceDeploymentArn,
        payload: payload(r, stage),
        hookStatus: outcome.hookStatus,
      });
      if (invocations.length > MAX_INVOCATIONS) invocations.splice(0, invocations.length - MAX_INVOCATIONS);
      if (outcome.hookStatus === 'SUCCEEDED') h.status = 'SUCCEEDED';
      else if (outcome.hookStatus === 'IN_PROGRESS') {
        h.nextCallAt = now + (outcome.callBackDelay ?? DEFAULT_CALLBACK_DELAY_SECONDS) * 1000;
      } else h.status = 'FAILED';
      r.updatedAt = now;
    }
    if ((h.status === 'IN_PROGRESS' || h.status === 'AWAITING_ACTION') && h.expiresAt <= now) {
      h.status = 'TIMED_OUT';
      h.nextCallAt = undefined;
      r.updatedAt = now;
    }
    if (h.status === 'IN_PROGRESS') later(Math.min(h.nextCallAt ?? h.expiresAt, h.expiresAt));
    if (h.status === 'AWAITING_ACTION') later(h.expiresAt);
  }
  const failed = r.hooks.find((h) => h.status === 'FAILED');
  if (failed) return { state: 'fail', reason: `Lifecycle hook ${failed.hookId} failed at ${stage}.` };
  const timedOut = r.hooks.find((h) => h.status === 'TIMED_OUT' && h.timeoutAction === 'ROLLBACK');
  if (timedOut) return { state: 'fail', reason: `Lifecycle hook ${timedOut.hookId} timed out at ${stage}.` };
  return wake === undefined ? { state: 'done' } : { state: 'wait', at: wake };
}
