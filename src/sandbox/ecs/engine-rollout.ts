/**
 * The service scheduler: rolling deployments within minimumHealthyPercent / maximumPercent,
 * scale up and down, the circuit breaker and its rollback, completion and steady state.
 */
import { randomInt } from 'node:crypto';
import { CIRCUIT_BREAKER_MAX, CIRCUIT_BREAKER_MIN } from '../../core/aws-limits.js';
import type { SandboxRuntime } from '../runtime.js';
import type { EngineCtx, Scope } from './engine-context.js';
import { findTaskDef, isHealthy, ms, serviceKey } from './engine-context.js';
import { addEvent, msg } from './engine-events.js';
import { clusterInstances } from './engine-placement.js';
import { launchTask, requestStop } from './engine-tasks.js';
import type { EcsDeployment, EcsService, EcsTask } from './model.js';
import { schedulerHolds } from './service-deployments.js';

/** A deployment id as ECS makes them: `ecs-svc/` and 19 digits. */
export function newDeploymentId(): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < 19) digits += String(randomInt(0, 10));
  return `ecs-svc/${digits}`;
}

/** Failed tasks after which the circuit breaker fails a deployment of `desired` tasks. */
export function breakerThreshold(desired: number): number {
  return Math.min(CIRCUIT_BREAKER_MAX, Math.max(CIRCUIT_BREAKER_MIN, Math.ceil(desired / 2)));
}

/** Puts a new PRIMARY deployment at the front; the previous PRIMARY becomes ACTIVE. */
export function startDeployment(
  _runtime: SandboxRuntime,
  service: EcsService,
  taskDefinitionArn: string,
  now: number,
): EcsDeployment {
  for (const d of service.deployments) if (d.status === 'PRIMARY') d.status = 'ACTIVE';
  const id = newDeploymentId();
  const x = service.extra;
  const dep: EcsDeployment = {
    id,
    status: 'PRIMARY',
    taskDefinition: taskDefinitionArn,
    desiredCount: service.desiredCount,
    failedTasks: 0,
    runningCount: 0,
    pendingCount: 0,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: `ECS deployment ${id} in progress.`,
    createdAt: now,
    updatedAt: now,
    ...(service.launchType !== undefined ? { launchType: service.launchType } : {}),
    ...(x['networkConfiguration'] !== undefined ? { networkConfiguration: x['networkConfiguration'] } : {}),
    ...(typeof x['platformVersion'] === 'string' ? { platformVersion: x['platformVersion'] } : {}),
    ...(Array.isArray(x['capacityProviderStrategy'])
      ? { capacityProviderStrategy: x['capacityProviderStrategy'] as unknown[] }
      : {}),
  };
  service.deployments.unshift(dep);
  service.taskDefinition = taskDefinitionArn;
  service.steady = false;
  service.relaunchNotBefore = undefined;
  return dep;
}

/** The launch type tasks of a deployment get (capacity providers named FARGATE* mean Fargate). */
export function launchTypeOf(service: EcsService, dep: EcsDeployment): string {
  const lt = dep.launchType ?? service.launchType;
  if (lt) return lt;
  const cps = dep.capacityProviderStrategy ?? [];
  const fargate = cps.some((c) => {
    const name =
      c !== null && typeof c === 'object' ? (c as Record<string, unknown>)['capacityProvider'] : undefined;
    return typeof name === 'string' && name.startsWith('FARGATE');
  });
  return fargate ? 'FARGATE' : 'EC2';
}

/** Lower ranks are stopped first: not yet running, then unhealthy, then the newest. */
function stopRank(a: EcsTask, b: EcsTask): number {
  const r = (t: EcsTask) => (t.lastStatus !== 'RUNNING' ? 0 : isHealthy(t) ? 2 : 1);
  return r(a) - r(b) || b.createdAt - a.createdAt;
}

function liveOf(ctx: EngineCtx, service: EcsService): EcsTask[] {
  return [...(ctx.liveByService.get(serviceKey(service.clusterArn, service.serviceName)) ?? [])];
}

/** Runs the service scheduler once for `service`. */
export function reconcileService(ctx: EngineCtx, scope: Scope, service: EcsService, now: number): void {
  const rt = ctx.runtime;
  if (service.status === 'INACTIVE') return;
  let primary = service.deployments[0];
  const reason = () => `Scaling activity initiated by (deployment ${primary?.id ?? 'unknown'})`;
  const stopped: EcsTask[] = [];
  const stop = (t: EcsTask) => {
    if (requestStop(ctx, scope, t, 'ServiceSchedulerInitiated', reason(), now)) stopped.push(t);
  };

  if (service.status === 'DRAINING' || !primary) {
    for (const t of liveOf(ctx, service)) if (t.desiredStatus === 'RUNNING') stop(t);
    if (stopped.length > 0) addEvent(rt, service, msg.stopped(service, stopped), now);
    updateCounts(service, liveOf(ctx, service), now);
    if (service.status === 'DRAINING' && liveOf(ctx, service).length === 0) {
      service.status = 'INACTIVE';
      service.desiredCount = 0;
      ctx.markStalled(service, false);
    }
    return;
  }

  // A BLUE_GREEN/LINEAR/CANARY deployment keeps new tasks back before SCALE_UP and old ones before CLEAN_UP.
  const hold = schedulerHolds(scope.ecs, service);
  if (!hold.strategy && checkBreaker(rt, service, primary, now)) primary = service.deployments[0]!;

  const D = service.desiredCount;
  primary.desiredCount = D;
  const cfg = service.deploymentConfiguration;
  const minHealthy = Math.ceil((D * (cfg.minimumHealthyPercent ?? 100)) / 100);
  const maxTotal = Math.floor((D * (cfg.maximumPercent ?? 200)) / 100);
  const failed = primary.rolloutState === 'FAILED';

  // Stops change tasks in place; only launches add to the live set, so one snapshot serves until then.
  let live = liveOf(ctx, service);
  // 1. Scale the primary down to the desired count.
  const mine = live.filter((t) => t.desiredStatus === 'RUNNING' && t.deploymentId === primary.id);
  if (mine.length > D) for (const t of mine.sort(stopRank).slice(0, mine.length - D)) stop(t);

  // 2. Stop tasks of older deployments while enough healthy tasks remain.
  if (!failed && !hold.old) {
    const active = live.filter((t) => t.desiredStatus === 'RUNNING');
    let healthy = active.filter(isHealthy).length;
    const age = new Map(service.deployments.map((d, i) => [d.id, i]));
    const old = active
      .filter((t) => t.deploymentId !== primary.id)
      .sort(
        (a, b) =>
          Number(isHealthy(a)) - Number(isHealthy(b)) ||
          (age.get(b.deploymentId ?? '') ?? 0) - (age.get(a.deploymentId ?? '') ?? 0) ||
          a.createdAt - b.createdAt,
      );
    for (const t of old) {
      if (!isHealthy(t)) stop(t);
      else if (healthy - 1 >= minHealthy) {
        stop(t);
        healthy--;
      }
    }
  }
  if (stopped.length > 0) addEvent(rt, service, msg.stopped(service, stopped), now);

  // 3. Start primary tasks up to the desired count, within maximumPercent.
  const active = live.filter((t) => t.desiredStatus === 'RUNNING');
  const mineCount = active.filter((t) => t.deploymentId === primary.id).length;
  const want = hold.launch ? 0 : hold.old ? D - mineCount : Math.min(D - mineCount, maxTotal - active.length);
  let launchedAny = false;
  if (want > 0 && !failed) {
    if (service.relaunchNotBefore !== undefined && service.relaunchNotBefore > now) {
      ctx.reconcileAt(scope, service, service.relaunchNotBefore);
    } else {
      launchedAny = launch(ctx, scope, service, primary, want, now);
    }
  } else ctx.markStalled(service, false);
  if (stopped.length > 0 || launchedAny) service.steady = false;

  // 4. Older deployments without tasks are gone.
  if (launchedAny) live = liveOf(ctx, service);
  service.deployments = service.deployments.filter((d) => {
    if (d === primary || live.some((t) => t.deploymentId === d.id)) return true;
    d.status = 'INACTIVE';
    return false;
  });
  updateCounts(service, live, now);
  settle(ctx, service, primary, live, now);
}

function launch(
  ctx: EngineCtx,
  scope: Scope,
  service: EcsService,
  dep: EcsDeployment,
  count: number,
  now: number,
): boolean {
  const rt = ctx.runtime;
  const td = findTaskDef(scope.ecs, dep.taskDefinition);
  if (!td) return false;
  const started: EcsTask[] = [];
  let stalled = false;
  const instances = clusterInstances(scope, service.clusterArn);
  for (let i = 0; i < count; i++) {
    const r = launchTask(
      ctx,
      scope,
      {
        clusterArn: service.clusterArn,
        taskDef: td,
        launchType: launchTypeOf(service, dep),
        group: `service:${service.serviceName}`,
        startedBy: dep.id,
        deploymentId: dep.id,
        serviceName: service.serviceName,
        instances,
        ...(dep.networkConfiguration !== undefined ? { networkConfiguration: dep.networkConfiguration } : {}),
      },
      now,
    );
    if (r.ok) {
      started.push(r.task);
      continue;
    }
    stalled = true;
    const gap = ms(rt, 'unablePlaceEventSeconds');
    // The scheduler keeps trying; capacity changes and stopped tasks retry sooner.
    ctx.reconcileAt(scope, service, now + gap);
    if (service.lastUnablePlaceAt === undefined || now - service.lastUnablePlaceAt >= gap) {
      addEvent(rt, service, msg.unablePlace(service, r.reason), now);
      service.lastUnablePlaceAt = now;
    }
    break;
  }
  ctx.markStalled(service, stalled);
  if (started.length > 0) addEvent(rt, service, msg.started(service, started), now);
  return started.length > 0;
}

/** Trips the circuit breaker when the primary reached its failure threshold; true if it rolled back. */
function checkBreaker(rt: SandboxRuntime, service: EcsService, primary: EcsDeployment, now: number): boolean {
  const cb = service.deploymentConfiguration.deploymentCircuitBreaker;
  if (!cb?.enable || primary.rolloutState !== 'IN_PROGRESS') return false;
  if (primary.failedTasks < breakerThreshold(primary.desiredCount)) return false;
  primary.rolloutState = 'FAILED';
  primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
  primary.updatedAt = now;
  addEvent(rt, service, msg.failed(service, primary.id), now);
  const target = service.lastCompletedDeployment;
  if (!cb.rollback || !target) return false;
  addEvent(rt, service, msg.rollingBack(service, target.id), now);
  startDeployment(rt, service, target.taskDefinition, now);
  return true;
}

/** Keeps each deployment's running/pending/desired counts current. */
function updateCounts(service: EcsService, live: EcsTask[], now: number): void {
  for (const d of service.deployments) {
    let running = 0;
    let pending = 0;
    let active = 0;
    for (const t of live) {
      if (t.deploymentId !== d.id) continue;
      if (t.desiredStatus === 'RUNNING') active++;
      if (t.lastStatus === 'RUNNING') running++;
      else if (t.desiredStatus === 'RUNNING') pending++;
    }
    const desired = d.status === 'PRIMARY' ? service.desiredCount : active;
    if (d.runningCount !== running || d.pendingCount !== pending || d.desiredCount !== desired) {
      d.runningCount = running;
      d.pendingCount = pending;
      d.desiredCount = desired;
      d.updatedAt = now;
    }
  }
}

/** Marks the rollout COMPLETED and writes the steady-state event once the service has settled. */
function settle(
  ctx: EngineCtx,
  service: EcsService,
  primary: EcsDeployment,
  live: EcsTask[],
  now: number,
): void {
  if (service.deployments.length !== 1 || primary.rolloutState === 'FAILED') return;
  const mine = live.filter((t) => t.deploymentId === primary.id && t.desiredStatus === 'RUNNING');
  if (mine.length !== service.desiredCount || !mine.every(isHealthy)) return;
  const rt = ctx.runtime;
  if (primary.rolloutState === 'IN_PROGRESS') {
    primary.rolloutState = 'COMPLETED';
    primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
    primary.updatedAt = now;
    service.lastCompletedDeployment = { id: primary.id, taskDefinition: primary.taskDefinition };
    addEvent(rt, service, msg.completed(service, primary.id), now);
  }
  if (!service.steady) {
    addEvent(rt, service, msg.steady(service), now);
    service.steady = true;
  }
}
