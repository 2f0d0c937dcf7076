/**
 * Outcome bookkeeping: the worst outcome over several services, and the judge's limits from a request.
 */
import type { JudgeConfig } from '../core/rollout/judge.js';
import { DEPLOY_DEFAULTS, type DeployOutcome, type EcsDeployRequest } from './request.js';

/** Worst first (see DeployResult.outcome). */
const SEVERITY: DeployOutcome[] = [
  'rollback-failed',
  'failed',
  'failed-ecs-rolled-back',
  'failed-rolled-back',
  'task-failed',
  'timed-out',
  'inactive',
  'succeeded',
  'no-change',
  'previewed',
];

/** The worst of several outcomes (`previewed` for none). */
export function worstOutcome(outcomes: DeployOutcome[]): DeployOutcome {
  let best = SEVERITY.length - 1;
  for (const o of outcomes) best = Math.min(best, SEVERITY.indexOf(o));
  return SEVERITY[best] ?? 'previewed';
}

/** How long to wait, after our deployment FAILED under a rolling-back breaker, for ECS's rollback to appear. */
export const ROLLBACK_APPEAR_GRACE_MS = 10_000;

/** The judge's limits for a request. */
export function judgeConfigOf(request: EcsDeployRequest): JudgeConfig {
  return {
    timeoutMs: request.timeoutSeconds * 1000,
    inactivityTimeoutMs: request.inactivityTimeoutSeconds * 1000,
    repeatedStopThreshold: request.repeatedStopThreshold ?? DEPLOY_DEFAULTS.repeatedStopThreshold,
    unablePlaceGraceMs: (request.unablePlaceGraceSeconds ?? DEPLOY_DEFAULTS.unablePlaceGraceSeconds) * 1000,
    skipDeploymentsCheck: request.skipDeploymentsCheck,
    rollbackAppearGraceMs: ROLLBACK_APPEAR_GRACE_MS,
  };
}
