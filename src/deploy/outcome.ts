/**
 * Outcome bookkeeping: the worst outcome over several services, and the judge's limits.
 */
import type { JudgeConfig } from '../core/rollout/judge.js';
import { DEPLOY_DEFAULTS, type RunOutcome, type WatchLimits } from './request.js';

/** Worst first (see DeployResult.outcome). */
const SEVERITY: RunOutcome[] = [
  'rollback-failed',
  'failed',
  'failed-ecs-rolled-back',
  'failed-rolled-back',
  'task-failed',
  'timed-out',
  'inactive',
  // Waits for a person: worse than done, better than not knowing.
  'paused',
  'succeeded',
  'no-change',
  'previewed',
];

/** The worst of several outcomes (`previewed` for none). */
export function worstOutcome(outcomes: RunOutcome[]): RunOutcome {
  let best = SEVERITY.length - 1;
  for (const o of outcomes) best = Math.min(best, SEVERITY.indexOf(o));
  return SEVERITY[best] ?? 'previewed';
}

/** How long to wait, after our deployment FAILED under a rolling-back breaker, for ECS's rollback to appear. */
export const ROLLBACK_APPEAR_GRACE_MS = 10_000;

/** Watch limits with every default filled in. */
export function resolveLimits(limits: WatchLimits): Required<WatchLimits> {
  return {
    timeoutSeconds: limits.timeoutSeconds ?? DEPLOY_DEFAULTS.timeoutSeconds,
    inactivityTimeoutSeconds: limits.inactivityTimeoutSeconds ?? DEPLOY_DEFAULTS.inactivityTimeoutSeconds,
    repeatedStopThreshold: limits.repeatedStopThreshold ?? DEPLOY_DEFAULTS.repeatedStopThreshold,
    unablePlaceGraceSeconds: limits.unablePlaceGraceSeconds ?? DEPLOY_DEFAULTS.unablePlaceGraceSeconds,
    skipDeploymentsCheck: limits.skipDeploymentsCheck ?? false,
    waitUntil: limits.waitUntil ?? { kind: 'deployed' },
  };
}

/** The judge's limits. */
export function judgeConfigOf(limits: WatchLimits): JudgeConfig {
  const l = resolveLimits(limits);
  return {
    timeoutMs: l.timeoutSeconds * 1000,
    inactivityTimeoutMs: l.inactivityTimeoutSeconds * 1000,
    repeatedStopThreshold: l.repeatedStopThreshold,
    unablePlaceGraceMs: l.unablePlaceGraceSeconds * 1000,
    skipDeploymentsCheck: l.skipDeploymentsCheck,
    rollbackAppearGraceMs: ROLLBACK_APPEAR_GRACE_MS,
  };
}
