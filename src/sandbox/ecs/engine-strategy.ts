/**
 * The stage machine of BLUE_GREEN, LINEAR and CANARY service deployments on the sandbox clock,
 * and the status of ROLLING ones. It runs after each scheduler pass of the service; what it
 * holds (new tasks before SCALE_UP, old ones before CLEAN_UP) the rolling scheduler obeys.
 * Every wait (bake, hook call-back, hook timeout) arms a service timer, so a state file loaded
 * mid-bake resumes where it stopped.
 */
import type { EngineCtx, Scope } from './engine-context.js';
import { isHealthy, serviceKey } from './engine-context.js';
import { progressHooks, startHooks } from './engine-hooks.js';
import { breakerThreshold, startDeployment } from './engine-rollout.js';
import type { EcsService, EcsTask } from './model.js';
import type { EcsServiceDeploymentRecord } from './service-deployment-model.js';
import { currentRecord, isOngoing } from './service-deployments.js';
import { applyTraffic } from './traffic.js';
import { isObject } from './util.js';

type Phase =
  | { kind: 'hooks'; stage: string; hook: string }
  | { kind: 'scaleUp'; stage: string }
  | { kind: 'shift'; stage: string; hook: string; traffic: 'test' | 'prod'; weight: number }
  | { kind: 'bake'; stage: string; minutes: number }
  | { kind: 'cleanUp'; stage: string }
  | { kind: 'revert'; stage: string };

function num(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}

/** The production weights a deployment moves through (percent on the target revision). */
export function productionSteps(r: EcsServiceDeploymentRecord): { weight: number; bakeMinutes: number }[] {
  const cfg = r.deploymentConfiguration;
  if (r.strategy === 'LINEAR') {
    const lc = isObject(cfg.linearConfiguration) ? cfg.linearConfiguration : {};
    const step = num(lc.stepPercent, 10);
    const bake = num(lc.stepBakeTimeInMinutes, 6);
    const out: { weight: number; bakeMinutes: number }[] = [];
    for (let i = 1; Math.round(i * step * 10) / 10 < 100; i++) {
      out.push({ weight: Math.round(i * step * 10) / 10, bakeMinutes: bake });
    }
    return [...out, { weight: 100, bakeMinutes: 0 }];
  }
  if (r.strategy === 'CANARY') {
    const cc = isObject(cfg.canaryConfiguration) ? cfg.canaryConfiguration : {};
    const canary = num(cc.canaryPercent, 5);
    if (canary >= 100) return [{ weight: 100, bakeMinutes: 0 }];
    return [
      { weight: canary, bakeMinutes: num(cc.canaryBakeTimeInMinutes, 10) },
      { weight: 100, bakeMinutes: 0 },
    ];
  }
  return [{ weight: 100, bakeMinutes: 0 }];
}

function forwardPhases(r: EcsServiceDeploymentRecord): Phase[] {
  const p: Phase[] = [
    { kind: 'hooks', stage: 'PRE_SCALE_UP', hook: 'PRE_SCALE_UP' },
    { kind: 'scaleUp', stage: 'SCALE_UP' },
    { kind: 'hooks', stage: 'POST_SCALE_UP', hook: 'POST_SCALE_UP' },
    { kind: 'shift', stage: 'TEST_TRAFFIC_SHIFT', hook: 'TEST_TRAFFIC_SHIFT', traffic: 'test', weight: 100 },
    { kind: 'hooks', stage: 'POST_TEST_TRAFFIC_SHIFT', hook: 'POST_TEST_TRAFFIC_SHIFT' },
  ];
  for (const s of productionSteps(r)) {
    p.push({ kind: 'hooks', stage: 'PRODUCTION_TRAFFIC_SHIFT', hook: 'PRE_PRODUCTION_TRAFFIC_SHIFT' });
    p.push({
      kind: 'shift',
      stage: 'PRODUCTION_TRAFFIC_SHIFT',
      hook: 'PRODUCTION_TRAFFIC_SHIFT',
      traffic: 'prod',
      weight: s.weight,
    });
    if (s.weight < 100) p.push({ kind: 'bake', stage: 'PRODUCTION_TRAFFIC_SHIFT', minutes: s.bakeMinutes });
  }
  p.push({ kind: 'hooks', stage: 'POST_PRODUCTION_TRAFFIC_SHIFT', hook: 'POST_PRODUCTION_TRAFFIC_SHIFT' });
  p.push({ kind: 'bake', stage: 'BAKE_TIME', minutes: num(r.deploymentConfiguration.bakeTimeInMinutes, 0) });
  p.push({ kind: 'cleanUp', stage: 'CLEAN_UP' });
  return p;
}

const ROLLBACK_PHASES: Phase[] = [
  {
    kind: 'shift',
    stage: 'PRODUCTION_TRAFFIC_SHIFT',
    hook: 'PRODUCTION_TRAFFIC_SHIFT',
    traffic: 'prod',
    weight: 0,
  },
  { kind: 'shift', stage: 'TEST_TRAFFIC_SHIFT', hook: 'TEST_TRAFFIC_SHIFT', traffic: 'test', weight: 0 },
  { kind: 'revert', stage: 'CLEAN_UP' },
];

/** Asks for a rollback (the machine starts it at its next pass). */
export function requestRollback(
  r: EcsServiceDeploymentRecord,
  reason: string,
  now: number,
  end: 'ROLLBACK_SUCCESSFUL' | 'STOPPED' = 'ROLLBACK_SUCCESSFUL',
): void {
  r.status = end === 'STOPPED' ? 'STOP_REQUESTED' : 'ROLLBACK_REQUESTED';
  r.statusReason = reason;
  r.endStatus = end;
  r.rollback = { reason, startedAt: now, serviceRevisionArn: r.sourceRevisionArns[0] ?? r.targetRevisionArn };
  r.updatedAt = now;
}

function liveOf(ctx: EngineCtx, service: EcsService): EcsTask[] {
  return [...(ctx.liveByService.get(serviceKey(service.clusterArn, service.serviceName)) ?? [])];
}

function finish(
  r: EcsServiceDeploymentRecord,
  status: EcsServiceDeploymentRecord['status'],
  now: number,
): void {
  r.status = status;
  r.finishedAt = r.updatedAt = now;
  if (status === 'STOPPED') r.stoppedAt = now;
  r.holdLaunch = r.holdOld = false;
  for (const m of [r.alarms, r.circuitBreaker])
    if (m?.status === 'MONITORING') m.status = 'MONITORING_COMPLETE';
  // AWS's service events for the end of a service deployment are not known: none is written.
}

/** Breaker and alarms, watched while the deployment goes forward: true when a rollback was asked. */
function monitorsTripped(
  scope: Scope,
  service: EcsService,
  r: EcsServiceDeploymentRecord,
  now: number,
): boolean {
  const dep = service.deployments.find((d) => d.id === r.targetDeploymentId);
  const cb = r.circuitBreaker;
  if (cb && cb.status === 'MONITORING' && dep) {
    cb.failureCount = dep.failedTasks;
    cb.threshold = breakerThreshold(service.desiredCount);
    if (cb.failureCount >= cb.threshold) {
      cb.status = 'TRIGGERED';
      const rollback = service.deploymentConfiguration.deploymentCircuitBreaker?.rollback === true;
      requestRollback(
        r,
        'ECS deployment circuit breaker: tasks failed to start.',
        now,
        rollback ? 'ROLLBACK_SUCCESSFUL' : 'STOPPED',
      );
      return true;
    }
  }
  const al = r.alarms;
  if (al && al.status === 'MONITORING') {
    const states = scope.ecs.alarmStates ?? {};
    const triggered = al.alarmNames.filter((n) => states[n] === 'ALARM');
    if (triggered.length > 0) {
      al.status = 'TRIGGERED';
      al.triggeredAlarmNames = triggered;
      const cfg = r.deploymentConfiguration.alarms;
      const rollback = isObject(cfg) && cfg.rollback === true;
      requestRollback(
        r,
        `CloudWatch alarm(s) ${triggered.join(', ')} in ALARM state.`,
        now,
        rollback ? 'ROLLBACK_SUCCESSFUL' : 'STOPPED',
      );
      return true;
    }
  }
  return false;
}

/** Enters a phase: sets its stage, moves traffic, lets tasks start or stop, starts its hooks. */
function enter(
  scope: Scope,
  service: EcsService,
  r: EcsServiceDeploymentRecord,
  p: Phase,
  now: number,
): boolean {
  r.lifecycleStage = p.stage;
  r.phaseEntered = true;
  r.phaseStartedAt = r.updatedAt = now;
  r.hooks = [];
  if (p.kind === 'hooks' || p.kind === 'shift') startHooks(r, p.hook, now);
  if (p.kind === 'shift') {
    if (p.traffic === 'test') r.testWeight = p.weight;
    else r.prodWeight = p.weight;
    applyTraffic(scope, service, r, p.traffic, now);
  }
  if (p.kind === 'scaleUp') r.holdLaunch = false;
  if (p.kind === 'cleanUp') r.holdOld = false;
  if (p.kind === 'revert') {
    const src = service.deployments.find((d) => d.id === r.sourceDeploymentIds[0]);
    const tgt = service.deployments.find((d) => d.id === r.targetDeploymentId);
    if (!src) return false;
    src.status = 'PRIMARY';
    service.deployments = [src, ...service.deployments.filter((d) => d !== src)];
    service.taskDefinition = src.taskDefinition;
    service.steady = false;
    if (tgt) {
      tgt.status = 'ACTIVE';
      tgt.rolloutState = 'FAILED';
      tgt.rolloutStateReason = `Service deployment rolled back: ${r.rollback?.reason ?? 'stopped'}`;
      tgt.updatedAt = now;
    }
    r.holdLaunch = r.holdOld = false;
  }
  return true;
}

/** Whether a phase's own work is done (hooks aside); else when to look again. */
function phaseWork(
  ctx: EngineCtx,
  service: EcsService,
  r: EcsServiceDeploymentRecord,
  p: Phase,
  now: number,
): { done: boolean; at?: number } {
  if (p.kind === 'scaleUp') {
    const healthy = liveOf(ctx, service).filter(
      (t) => t.deploymentId === r.targetDeploymentId && isHealthy(t),
    );
    return { done: healthy.length >= service.desiredCount };
  }
  if (p.kind === 'bake') {
    const end = r.phaseStartedAt + p.minutes * 60_000;
    return end <= now ? { done: true } : { done: false, at: end };
  }
  if (p.kind === 'cleanUp') {
    return { done: !liveOf(ctx, service).some((t) => t.deploymentId !== r.targetDeploymentId) };
  }
  if (p.kind === 'revert') {
    return { done: !liveOf(ctx, service).some((t) => t.deploymentId === r.targetDeploymentId) };
  }
  return { done: true };
}

/**
 * Moves the service's current deployment on as far as it can at `now`; true when what the
 * scheduler must hold changed (it then runs again).
 */
export function driveDeployment(ctx: EngineCtx, scope: Scope, service: EcsService, now: number): boolean {
  const r = currentRecord(scope.ecs, service);
  if (!r || !isOngoing(r)) return false;
  if (r.strategy === 'ROLLING') return syncRolling(ctx, scope, service, r, now);
  const before = `${r.holdLaunch}|${r.holdOld}|${service.deployments[0]?.id}`;
  for (let guard = 0; guard < 200 && isOngoing(r); guard++) {
    if (r.status === 'PENDING') {
      r.status = 'IN_PROGRESS';
      r.startedAt = r.updatedAt = now;
    }
    if (r.status === 'ROLLBACK_REQUESTED' || r.status === 'STOP_REQUESTED') {
      r.status = 'ROLLBACK_IN_PROGRESS';
      r.rollingBack = true;
      r.phase = 0;
      r.phaseEntered = false;
      r.hooks = [];
    }
    if (!r.rollingBack && monitorsTripped(scope, service, r, now)) continue;
    const phases = r.rollingBack ? ROLLBACK_PHASES : forwardPhases(r);
    const p = phases[r.phase];
    if (!p) {
      finish(r, r.rollingBack ? (r.endStatus ?? 'ROLLBACK_SUCCESSFUL') : 'SUCCESSFUL', now);
      break;
    }
    if (!r.phaseEntered && !enter(scope, service, r, p, now)) {
      r.statusReason = 'There is no previous service revision to roll back to.';
      finish(r, 'ROLLBACK_FAILED', now);
      break;
    }
    const hooks = progressHooks(
      scope.ecs,
      r,
      p.kind === 'hooks' || p.kind === 'shift' ? p.hook : p.stage,
      now,
    );
    if (hooks.state === 'fail') {
      if (r.rollingBack) {
        r.statusReason = hooks.reason;
        finish(r, 'ROLLBACK_FAILED', now);
        break;
      }
      requestRollback(r, hooks.reason, now);
      continue;
    }
    const work = phaseWork(ctx, service, r, p, now);
    if (hooks.state === 'done' && work.done) {
      r.phase++;
      r.phaseEntered = false;
      continue;
    }
    const at = [hooks.state === 'wait' ? hooks.at : undefined, work.at].filter(
      (x): x is number => x !== undefined,
    );
    if (at.length > 0) ctx.reconcileAt(scope, service, Math.max(now + 1, Math.min(...at)));
    break;
  }
  return `${r.holdLaunch}|${r.holdOld}|${service.deployments[0]?.id}` !== before;
}

function earlySuccessEnabled(r: EcsServiceDeploymentRecord): boolean {
  const early = r.deploymentConfiguration.earlySuccessCriteria;
  return isObject(early) && early.enable === true;
}

/**
 * ROLLING with earlySuccessCriteria enabled: the deployment is SUCCESSFUL once `healthyPercent` of
 * the desired count runs on the target (and, with BLOCKING cleanup, no source task runs any more)
 * and the bake time has passed since; the rollout itself goes on in the background to 100 %.
 */
function earlySuccess(
  ctx: EngineCtx,
  scope: Scope,
  service: EcsService,
  r: EcsServiceDeploymentRecord,
  target: EcsService['deployments'][number],
  now: number,
): boolean {
  const early = r.deploymentConfiguration.earlySuccessCriteria;
  if (!isObject(early) || !earlySuccessEnabled(r) || target.rolloutState === 'FAILED') return false;
  const needed = Math.ceil((num(early.healthyPercent, 100) / 100) * service.desiredCount);
  const sourcesGone =
    early.sourceServiceRevisionCleanup !== 'BLOCKING' ||
    service.deployments.every((d) => d.id === target.id || d.runningCount === 0);
  if (target.runningCount < needed || !sourcesGone) return false;
  r.earlySuccessMetAt ??= now;
  const doneAt = r.earlySuccessMetAt + num(r.deploymentConfiguration.bakeTimeInMinutes, 0) * 60_000;
  if (now >= doneAt) return true;
  ctx.reconcileAt(scope, service, doneAt);
  return false;
}

/** ROLLING: the record follows its `ecs-svc/…` deployment (and the breaker's rollback). */
function syncRolling(
  ctx: EngineCtx,
  scope: Scope,
  service: EcsService,
  r: EcsServiceDeploymentRecord,
  now: number,
): boolean {
  const find = (id: string | undefined) => service.deployments.find((d) => d.id === id);
  if (r.status === 'PENDING') {
    r.status = 'IN_PROGRESS';
    r.startedAt = r.updatedAt = now;
  }
  const target = find(r.targetDeploymentId);
  if (target && r.circuitBreaker && r.circuitBreaker.status !== 'DISABLED') {
    r.circuitBreaker.failureCount = target.failedTasks;
    r.circuitBreaker.threshold = breakerThreshold(service.desiredCount);
  }
  if (r.status === 'ROLLBACK_REQUESTED' || r.status === 'STOP_REQUESTED') {
    const src = r.sourceRevisionArns[0];
    const rev = src ? scope.ecs.serviceRevisions?.[src] : undefined;
    if (!rev) {
      r.statusReason = 'There is no previous service revision to roll back to.';
      finish(r, 'ROLLBACK_FAILED', now);
      return false;
    }
    if (target) {
      target.rolloutState = 'FAILED';
      target.rolloutStateReason = `Service deployment rolled back: ${r.statusReason ?? ''}`;
    }
    const d = startDeployment(ctx.runtime, service, rev.taskDefinition, now);
    d.serviceRevisionArn = rev.serviceRevisionArn;
    r.rollbackDeploymentId = d.id;
    r.status = 'ROLLBACK_IN_PROGRESS';
    r.updatedAt = now;
    return true;
  }
  if (r.status === 'IN_PROGRESS' && target && earlySuccess(ctx, scope, service, r, target, now)) {
    finish(r, 'SUCCESSFUL', now);
    return true;
  }
  if (r.status === 'IN_PROGRESS') {
    // With early success criteria, they decide (their bake holds even a finished rollout).
    if (target?.rolloutState === 'COMPLETED' && !earlySuccessEnabled(r)) finish(r, 'SUCCESSFUL', now);
    else if (!target || target.rolloutState === 'FAILED') {
      const primary = service.deployments[0];
      if (r.circuitBreaker && r.circuitBreaker.status !== 'DISABLED') r.circuitBreaker.status = 'TRIGGERED';
      if (primary && primary.id !== r.targetDeploymentId) {
        r.status = 'ROLLBACK_IN_PROGRESS';
        r.statusReason = target?.rolloutStateReason ?? 'Rolled back.';
        r.rollbackDeploymentId = primary.id;
        r.rollback = {
          reason: r.statusReason,
          startedAt: now,
          serviceRevisionArn: r.sourceRevisionArns[0] ?? r.targetRevisionArn,
        };
        if (r.sourceRevisionArns[0]) primary.serviceRevisionArn ??= r.sourceRevisionArns[0];
        r.updatedAt = now;
      } else {
        r.statusReason = target?.rolloutStateReason ?? 'The deployment failed.';
        finish(r, 'STOPPED', now);
      }
    }
  }
  if (r.status === 'ROLLBACK_IN_PROGRESS') {
    const d = find(r.rollbackDeploymentId);
    if (d?.rolloutState === 'COMPLETED') finish(r, r.endStatus ?? 'ROLLBACK_SUCCESSFUL', now);
    else if (!d || d.rolloutState === 'FAILED') finish(r, 'ROLLBACK_FAILED', now);
  }
  return false;
}
