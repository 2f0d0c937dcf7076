/**
 * ECS deployment controllers and strategies as the deployer must treat them (spec
 * ecs-strategies.md): which controllers we can drive, the order of lifecycle stages, what
 * `--wait-until` means, and how long a strategy is expected to wait on purpose. Pure.
 */

/** The strategies of the ECS controller. */
export type Strategy = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';

/** Lifecycle stages a service deployment reports, in order (PRE_PRODUCTION_TRAFFIC_SHIFT is a hook stage only). */
export const LIFECYCLE_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;

export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** A stage's position (stages may be skipped between polls, so compare positions); -1 when unknown. */
export function stageIndex(stage: string | undefined): number {
  return stage === undefined ? -1 : (LIFECYCLE_STAGES as readonly string[]).indexOf(stage);
}

/** The strategy a deployment configuration names (ROLLING when absent or unknown). */
export function strategyOf(strategy: string | undefined): Strategy {
  return strategy === 'BLUE_GREEN' || strategy === 'LINEAR' || strategy === 'CANARY' ? strategy : 'ROLLING';
}

/**
 * Why we cannot deploy a service of this controller (undefined for ECS, the default). The message
 * says what to use instead.
 */
export function controllerRefusal(service: string, controller: string | undefined): string | undefined {
  if (controller === undefined || controller === 'ECS') return undefined;
  if (controller === 'CODE_DEPLOY')
    return (
      `Service ${service} uses the CODE_DEPLOY deployment controller: its deployments are made by AWS CodeDeploy, ` +
      'not by UpdateService. Deploy it with CodeDeploy (aws deploy create-deployment with an AppSpec), or move it to ' +
      "ECS's own blue/green (deploymentController ECS with strategy BLUE_GREEN) and deploy it with Slipway."
    );
  if (controller === 'EXTERNAL')
    return (
      `Service ${service} uses the EXTERNAL deployment controller: its tasks are managed through task sets ` +
      '(CreateTaskSet, UpdateServicePrimaryTaskSet) by another tool. Deploy it with that tool, or move it to the ECS ' +
      'controller (ROLLING, BLUE_GREEN, LINEAR or CANARY) and deploy it with Slipway.'
    );
  return `Service ${service} uses the deployment controller ${controller}, which Slipway cannot drive; only ECS is supported.`;
}

/** A warning for a change of strategy in this update (undefined when none). */
export function strategySwitchWarning(service: string, from: Strategy, to: Strategy): string | undefined {
  if (from === to) return undefined;
  const note =
    from !== 'ROLLING' && to === 'ROLLING'
      ? ' Going back to ROLLING after a traffic-shifting strategy has been seen to fail (containers-roadmap #2664): watch it closely.'
      : '';
  return `service ${service} switches its deployment strategy from ${from} to ${to} with this update.${note}`;
}

/** When the deployer returns: once the deployment is done (default), or once it reached an ECS stage. */
export type WaitUntil = { kind: 'deployed' } | { kind: 'stage'; stage: LifecycleStage };

/** Parses `--wait-until` (`deployed` or `ecs:<STAGE>`); a message saying what is allowed when it does not parse. */
export function parseWaitUntil(text: string): WaitUntil | { error: string } {
  const t = text.trim();
  if (t === 'deployed') return { kind: 'deployed' };
  const m = /^ecs:([A-Z_]+)$/i.exec(t);
  const stage = m?.[1]?.toUpperCase();
  if (stage && stageIndex(stage) >= 0) return { kind: 'stage', stage: stage as LifecycleStage };
  return {
    error: `--wait-until must be "deployed" or "ecs:<STAGE>" with a stage of ${LIFECYCLE_STAGES.join(', ')}; got "${text}".`,
  };
}

/** The parts of a deployment configuration that set expected waits (all optional, as the SDK has them). */
export interface StrategyTiming {
  strategy?: string;
  bakeTimeInMinutes?: number;
  linearConfiguration?: { stepPercent?: number; stepBakeTimeInMinutes?: number };
  canaryConfiguration?: { canaryPercent?: number; canaryBakeTimeInMinutes?: number };
  lifecycleHooks?: {
    targetType?: string;
    lifecycleStages?: string[];
    timeoutConfiguration?: { timeoutInMinutes?: number };
  }[];
}

/** Lambda hooks time out after this by default when no timeout is configured (minutes; AWS's maximum hook wait). */
const DEFAULT_HOOK_MINUTES = 60;

/**
 * How long a strategy deployment waits on purpose, in ms: the bake time, every step bake (LINEAR
 * defaults 10 % steps and 6 min; CANARY 10 min) and the timeouts of its Lambda hooks (each stage
 * it fires at; PRE_PRODUCTION_ and PRODUCTION_TRAFFIC_SHIFT at every step). PAUSE hooks wait for a
 * person and are not counted: the deployer does not run the clock while one waits. 0 for ROLLING.
 */
export function expectedWaitMs(c: StrategyTiming): number {
  const strategy = strategyOf(c.strategy);
  if (strategy === 'ROLLING') return 0;
  let minutes = c.bakeTimeInMinutes ?? 0;
  let shiftSteps = 1;
  if (strategy === 'LINEAR') {
    const step = c.linearConfiguration?.stepPercent ?? 10;
    shiftSteps = Math.max(1, Math.ceil(100 / Math.max(step, 0.1)));
    // No bake after the last step reaches 100 %.
    minutes += (shiftSteps - 1) * (c.linearConfiguration?.stepBakeTimeInMinutes ?? 6);
  } else if (strategy === 'CANARY') {
    shiftSteps = 2;
    minutes += c.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10;
  }
  for (const h of c.lifecycleHooks ?? []) {
    if (h.targetType === 'PAUSE') continue;
    const each = h.timeoutConfiguration?.timeoutInMinutes ?? DEFAULT_HOOK_MINUTES;
    for (const stage of h.lifecycleStages ?? []) {
      const repeats =
        stage === 'PRODUCTION_TRAFFIC_SHIFT' || stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT' ? shiftSteps : 1;
      minutes += each * repeats;
    }
  }
  return minutes * 60_000;
}

/** ECS's early success criteria of a rolling deployment (deploymentConfiguration.earlySuccessCriteria). */
export interface EarlySuccess {
  /** Share of the desired count (0–100, at least minimumHealthyPercent) that must run the new revision. */
  healthyPercent: number;
  /** BLOCKING: the old tasks are gone before success; DEFERRED: they go after it. */
  cleanup: 'BLOCKING' | 'DEFERRED';
}

/**
 * Why ECS would refuse these early success criteria for `service` (undefined when it would not):
 * ROLLING only, and `healthyPercent` not under the minimumHealthyPercent the update leaves (ECS's
 * default 100). Checked before anything is registered or updated.
 */
export function earlySuccessRefusal(
  service: string,
  early: EarlySuccess,
  strategy: Strategy,
  minimumHealthyPercent = 100,
): string | undefined {
  if (strategy !== 'ROLLING')
    return `Early success criteria apply to ROLLING deployments only; service ${service} uses ${strategy}. Leave them out for this service.`;
  if (early.healthyPercent < minimumHealthyPercent)
    return `Early success at ${early.healthyPercent} % is below service ${service}'s minimumHealthyPercent (${minimumHealthyPercent} %), which ECS refuses: give at least ${minimumHealthyPercent}, or lower the minimum with the same update.`;
  return undefined;
}
