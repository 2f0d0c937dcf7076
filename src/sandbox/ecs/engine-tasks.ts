/**
 * The task lifecycle: PROVISIONING → PENDING → ACTIVATING → RUNNING → DEACTIVATING → STOPPING →
 * DEPROVISIONING → STOPPED, driven by one clock timer per transition. Image faults, pull
 * failures, health checks and load balancer targets are decided here.
 */
import { imageExists } from '../ecr/lookup.js';
import type { EngineCtx, Scope } from './engine-context.js';
import {
  containerDefs,
  faultOf,
  findTaskDef,
  ms,
  networkModeOf,
  serviceKey,
  serviceOfTask,
  taskSize,
  type ContainerDef,
} from './engine-context.js';
import { addEvent, containerLog, msg, type UnablePlaceReason } from './engine-events.js';
import { clusterInstances, placeOnInstances, trackUsage } from './engine-placement.js';
import { secretsError } from './engine-secrets.js';
import { deregisterTaskTargets, registerTaskTargets } from './engine-targets.js';
import type { EcsContainerInstance, EcsTask, EcsTaskDefinition } from './model.js';

/** ECS keeps stopped tasks describable for about an hour. */
export const STOPPED_TASK_RETENTION_MS = 60 * 60 * 1000;

/** Transition names stored in `EcsTask.nextTransition` (they survive a state file round trip). */
export type Transition =
  | 'provisioned'
  | 'pulled'
  | 'started'
  | 'health'
  | 'targetHealthy'
  | 'crash'
  | 'drained'
  | 'stopped'
  | 'deprovisioned'
  | 'expire';

/** What a new task is made from. */
export interface LaunchSpec {
  clusterArn: string;
  taskDef: EcsTaskDefinition;
  launchType: string;
  group: string;
  startedBy?: string;
  deploymentId?: string;
  serviceName?: string;
  tags?: { key: string; value: string }[];
  overrides?: unknown;
  networkConfiguration?: unknown;
  /** The cluster's ACTIVE instances, when the caller already listed them (batches). */
  instances?: EcsContainerInstance[];
}

/** Places and creates a task (it then runs its lifecycle), or says why it could not be placed. */
export function launchTask(
  ctx: EngineCtx,
  scope: Scope,
  spec: LaunchSpec,
  now: number,
): { ok: true; task: EcsTask } | { ok: false; reason: UnablePlaceReason } {
  const size = taskSize(spec.taskDef, spec.launchType);
  const defs = containerDefs(spec.taskDef, spec.launchType);
  let instanceArn: string | undefined;
  const hostPorts = [...new Set(defs.flatMap((d) => d.hostPorts))];
  if (spec.launchType !== 'FARGATE') {
    const placed = placeOnInstances(ctx, spec.instances ?? clusterInstances(scope, spec.clusterArn), {
      cpu: size.cpu,
      memory: size.memory,
      ports: hostPorts,
      group: spec.group,
    });
    if (!placed.ok) return placed;
    instanceArn = placed.instance.containerInstanceArn;
  }
  const rt = ctx.runtime;
  const taskId = rt.hexId();
  const prefix = spec.clusterArn.slice(0, spec.clusterArn.indexOf(':cluster/') + 1);
  const clusterName = spec.clusterArn.slice(prefix.length + 'cluster/'.length);
  const awsvpc = networkModeOf(spec.taskDef, spec.launchType) === 'awsvpc';
  const task: EcsTask = {
    taskArn: `${prefix}task/${clusterName}/${taskId}`,
    taskId,
    clusterArn: spec.clusterArn,
    taskDefinitionArn: spec.taskDef.taskDefinitionArn,
    group: spec.group,
    ...(spec.startedBy !== undefined ? { startedBy: spec.startedBy } : {}),
    ...(spec.deploymentId !== undefined ? { deploymentId: spec.deploymentId } : {}),
    ...(spec.serviceName !== undefined ? { serviceName: spec.serviceName } : {}),
    launchType: spec.launchType,
    ...(instanceArn !== undefined ? { containerInstanceArn: instanceArn } : {}),
    lastStatus: awsvpc ? 'PROVISIONING' : 'PENDING',
    desiredStatus: 'RUNNING',
    healthStatus: 'UNKNOWN',
    cpu: String(size.cpu),
    memory: String(size.memory),
    containers: defs.map((d) => ({
      name: d.name,
      image: d.image,
      containerArn: `${prefix}container/${clusterName}/${taskId}/${rt.uuid()}`,
      lastStatus: 'PENDING',
      essential: d.essential,
      ...(d.healthCheck ? { healthStatus: 'UNKNOWN' as const } : {}),
    })),
    createdAt: now,
    hostPorts: spec.launchType === 'FARGATE' ? [] : hostPorts,
    tags: spec.tags ?? [],
    ...(spec.overrides !== undefined ? { overrides: spec.overrides } : {}),
    ...(spec.networkConfiguration !== undefined ? { networkConfiguration: spec.networkConfiguration } : {}),
  };
  scope.ecs.tasks[task.taskArn] = task;
  if (task.serviceName) addLive(ctx.liveByService, serviceKey(task.clusterArn, task.serviceName), task);
  trackUsage(ctx.usageByInstance, task, 1);
  if (awsvpc) ctx.schedule(scope, task, now + ms(rt, 'provisioningSeconds'), 'provisioned');
  else beginPull(ctx, scope, task, defs, now);
  return { ok: true, task };
}

function addLive(index: Map<string, Set<EcsTask>>, key: string, task: EcsTask): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(task);
}

function removeLive(index: Map<string, Set<EcsTask>>, key: string, task: EcsTask): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(task);
  if (set.size === 0) index.delete(key);
}

/** Puts a live task back into the indexes (after loading a state file). */
export function indexTask(ctx: EngineCtx, task: EcsTask): void {
  if (task.lastStatus === 'STOPPED') return;
  if (task.serviceName) addLive(ctx.liveByService, serviceKey(task.clusterArn, task.serviceName), task);
  trackUsage(ctx.usageByInstance, task, 1);
}

function defsOf(scope: Scope, task: EcsTask): ContainerDef[] {
  const td = findTaskDef(scope.ecs, task.taskDefinitionArn);
  return td ? containerDefs(td, task.launchType) : [];
}

function beginPull(ctx: EngineCtx, scope: Scope, task: EcsTask, defs: ContainerDef[], now: number): void {
  task.lastStatus = 'PENDING';
  task.pullStartedAt = now;
  for (const d of defs) containerLog(scope, task, d, `Pulling image ${d.image}`, now);
  ctx.schedule(scope, task, now + ms(ctx.runtime, 'imagePullSeconds'), 'pulled');
}

/** Why an image cannot be pulled, or undefined when it can. */
export function pullError(ctx: EngineCtx, scope: Scope, image: string): string | undefined {
  const rt = ctx.runtime;
  const notFound = `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${image}: ${image}: not found`;
  if (faultOf(rt, image)?.failPull) return notFound;
  const exists = imageExists(rt, scope.account, scope.region, image);
  if (exists === false) return notFound;
  const s = rt.world.settings;
  if (exists === undefined && s.strictPulls && !s.knownImages.includes(image)) return notFound;
  return undefined;
}

/** Runs the transition a task's timer fired for. */
export function runTransition(
  ctx: EngineCtx,
  scope: Scope,
  task: EcsTask,
  transition: string,
  now: number,
): void {
  const rt = ctx.runtime;
  const t = rt.world.settings.timings;
  switch (transition as Transition) {
    case 'provisioned':
      beginPull(ctx, scope, task, defsOf(scope, task), now);
      return;
    case 'pulled': {
      task.pullStoppedAt = now;
      const defs = defsOf(scope, task);
      // The agent reads the task's secrets with the execution role before it starts anything.
      const secretsErr = secretsError(ctx, scope, task);
      if (secretsErr) {
        for (const x of task.containers) x.lastStatus = 'STOPPED';
        failTask(ctx, scope, task, 'TaskFailedToStart', secretsErr, now);
        return;
      }
      for (const d of defs) {
        const err = pullError(ctx, scope, d.image);
        if (!err) continue;
        const c = task.containers.find((x) => x.name === d.name);
        if (c) c.reason = err;
        for (const x of task.containers) x.lastStatus = 'STOPPED';
        failTask(ctx, scope, task, 'TaskFailedToStart', err, now);
        return;
      }
      task.lastStatus = 'ACTIVATING';
      const slow = Math.max(0, ...defs.map((d) => faultOf(rt, d.image)?.slowStartSeconds ?? 0));
      ctx.schedule(scope, task, now + (t.startSeconds + slow) * 1000, 'started');
      return;
    }
    case 'started':
      startRunning(ctx, scope, task, now);
      return;
    case 'health': {
      const result = task.healthCheckResult;
      if (result === 'UNHEALTHY') {
        const service = serviceOfTask(scope, task);
        const graceEnd = (task.startedAt ?? now) + (service?.healthCheckGracePeriodSeconds ?? 0) * 1000;
        task.healthStatus = 'UNHEALTHY';
        for (const c of task.containers) if (c.healthStatus) c.healthStatus = 'UNHEALTHY';
        // The scheduler ignores health checks during the grace period; standalone tasks keep running.
        if (service && now < graceEnd) {
          ctx.schedule(scope, task, graceEnd, 'health');
          return;
        }
        task.healthCheckResult = undefined;
        task.healthCheckAt = undefined;
        if (service) {
          failTask(ctx, scope, task, 'ServiceSchedulerInitiated', 'Task failed container health checks', now);
          addEvent(rt, service, msg.stopped(service, [task]), now);
          return;
        }
      } else {
        task.healthStatus = 'HEALTHY';
        for (const c of task.containers) if (c.healthStatus) c.healthStatus = 'HEALTHY';
        task.healthCheckResult = undefined;
        task.healthCheckAt = undefined;
      }
      planRunning(ctx, scope, task);
      return;
    }
    case 'targetHealthy':
      task.targetHealthy = true;
      planRunning(ctx, scope, task);
      return;
    case 'crash': {
      task.crashAt = undefined;
      const defs = defsOf(scope, task);
      const d = defs.find((x) => x.essential && faultOf(rt, x.image)?.crashExitCode !== undefined);
      const code = d ? (faultOf(rt, d.image)?.crashExitCode ?? 1) : 1;
      const c = task.containers.find((x) => x.name === d?.name);
      if (c) {
        c.lastStatus = 'STOPPED';
        c.exitCode = code;
      }
      if (d) containerLog(scope, task, d, `Exited with code ${code}`, now);
      failTask(ctx, scope, task, 'EssentialContainerExited', 'Essential container in task exited', now);
      return;
    }
    case 'drained':
      task.lastStatus = 'STOPPING';
      ctx.schedule(scope, task, now + ms(rt, 'stopSeconds'), 'stopped');
      return;
    case 'stopped':
      for (const c of task.containers) {
        if (c.lastStatus === 'RUNNING') c.exitCode ??= 0;
        c.lastStatus = 'STOPPED';
      }
      if (networkModeOfTask(scope, task) === 'awsvpc') {
        task.lastStatus = 'DEPROVISIONING';
        ctx.schedule(scope, task, now + ms(rt, 'provisioningSeconds'), 'deprovisioned');
      } else finishStop(ctx, scope, task, now);
      return;
    case 'deprovisioned':
      finishStop(ctx, scope, task, now);
      return;
    case 'expire':
      delete scope.ecs.tasks[task.taskArn];
      return;
  }
}

function networkModeOfTask(scope: Scope, task: EcsTask): string {
  const td = findTaskDef(scope.ecs, task.taskDefinitionArn);
  return td ? networkModeOf(td, task.launchType) : task.launchType === 'FARGATE' ? 'awsvpc' : 'bridge';
}

function startRunning(ctx: EngineCtx, scope: Scope, task: EcsTask, now: number): void {
  const rt = ctx.runtime;
  task.lastStatus = 'RUNNING';
  task.startedAt = now;
  const defs = defsOf(scope, task);
  for (const c of task.containers) c.lastStatus = 'RUNNING';
  for (const d of defs) containerLog(scope, task, d, 'Container started', now);
  // Container health checks: pass at the first check, or fail after startPeriod + interval × retries.
  let pass: number | undefined;
  let fail: number | undefined;
  for (const d of defs) {
    if (!d.healthCheck) continue;
    const h = d.healthCheck;
    if (faultOf(rt, d.image)?.failHealthCheck) {
      const at = now + (h.startPeriod + h.interval * h.retries) * 1000;
      fail = fail === undefined ? at : Math.min(fail, at);
    } else {
      const at = now + h.interval * 1000;
      pass = pass === undefined ? at : Math.max(pass, at);
    }
  }
  if (fail !== undefined) {
    task.healthCheckAt = fail;
    task.healthCheckResult = 'UNHEALTHY';
  } else if (pass !== undefined) {
    task.healthCheckAt = pass;
    task.healthCheckResult = 'HEALTHY';
  }
  const crashing = defs.find((d) => d.essential && faultOf(rt, d.image)?.crashExitCode !== undefined);
  if (crashing) task.crashAt = now + (faultOf(rt, crashing.image)?.crashAfterSeconds ?? 0) * 1000;
  const service = serviceOfTask(scope, task);
  const tgs = registerTaskTargets(scope, service, task, now);
  if (service && tgs.length > 0) {
    task.targetHealthyAt = now + ms(rt, 'targetHealthySeconds');
    task.targetHealthy = false;
    for (const tg of tgs) addEvent(rt, service, msg.registered(service, tg.targetGroupArn), now);
  }
  planRunning(ctx, scope, task);
}

/** Arms the earliest pending event of a RUNNING task: health result, target healthy or crash. */
function planRunning(ctx: EngineCtx, scope: Scope, task: EcsTask): void {
  const options: [number, Transition][] = [];
  if (task.crashAt !== undefined) options.push([task.crashAt, 'crash']);
  if (task.healthCheckAt !== undefined) options.push([task.healthCheckAt, 'health']);
  if (task.targetHealthyAt !== undefined && !task.targetHealthy)
    options.push([task.targetHealthyAt, 'targetHealthy']);
  options.sort((a, b) => a[0] - b[0]);
  const next = options[0];
  if (next) ctx.schedule(scope, task, next[0], next[1]);
  else ctx.unschedule(task);
}

/** A task failed (to start, a crash, health checks): counted against its deployment, then stopped. */
function failTask(
  ctx: EngineCtx,
  scope: Scope,
  task: EcsTask,
  stopCode: string,
  reason: string,
  now: number,
): void {
  task.failed = true;
  const service = serviceOfTask(scope, task);
  const dep = service?.deployments.find((d) => d.id === task.deploymentId);
  if (service && dep) {
    dep.failedTasks++;
    dep.updatedAt = now;
    service.relaunchNotBefore = now + ms(ctx.runtime, 'relaunchDelaySeconds');
  }
  requestStop(ctx, scope, task, stopCode, reason, now);
}

/**
 * Sets a task's desired status to STOPPED and starts its way down: draining its load balancer
 * targets first when it has registered ones.
 */
export function requestStop(
  ctx: EngineCtx,
  scope: Scope,
  task: EcsTask,
  stopCode: string,
  reason: string,
  now: number,
): boolean {
  if (task.desiredStatus === 'STOPPED' || task.lastStatus === 'STOPPED') return false;
  const rt = ctx.runtime;
  const wasRunning = task.lastStatus === 'RUNNING';
  task.desiredStatus = 'STOPPED';
  task.stopCode = stopCode;
  task.stoppedReason = reason;
  task.stoppingAt = now;
  task.crashAt = undefined;
  task.healthCheckAt = undefined;
  task.healthCheckResult = undefined;
  if (
    task.lastStatus === 'PROVISIONING' ||
    (task.lastStatus === 'PENDING' && task.pullStoppedAt !== undefined)
  ) {
    // Nothing was started: containers never ran.
    for (const c of task.containers) c.lastStatus = 'STOPPED';
  }
  if (wasRunning) {
    for (const d of defsOf(scope, task)) {
      const c = task.containers.find((x) => x.name === d.name);
      if (c?.lastStatus === 'RUNNING') containerLog(scope, task, d, 'Received SIGTERM', now);
    }
  }
  const service = serviceOfTask(scope, task);
  const tgs = wasRunning ? deregisterTaskTargets(scope, service, task, now) : [];
  if (service && tgs.length > 0) {
    task.lastStatus = 'DEACTIVATING';
    for (const tg of tgs) addEvent(rt, service, msg.deregistered(service, tg.targetGroupArn), now);
    addEvent(rt, service, msg.draining(service), now);
    ctx.schedule(scope, task, now + ms(rt, 'deregistrationDelaySeconds'), 'drained');
  } else if (stopCode === 'TaskFailedToStart') {
    // A task that never started has nothing to stop.
    if (networkModeOfTask(scope, task) === 'awsvpc') {
      task.lastStatus = 'DEPROVISIONING';
      ctx.schedule(scope, task, now + ms(rt, 'provisioningSeconds'), 'deprovisioned');
    } else finishStop(ctx, scope, task, now);
  } else {
    task.lastStatus = 'STOPPING';
    ctx.schedule(scope, task, now + ms(rt, 'stopSeconds'), 'stopped');
  }
  return true;
}

/** The task is STOPPED: it leaves the indexes, frees its instance and is kept for an hour. */
function finishStop(ctx: EngineCtx, scope: Scope, task: EcsTask, now: number): void {
  task.lastStatus = 'STOPPED';
  task.stoppedAt = now;
  task.targetHealthyAt = undefined;
  task.targetHealthy = undefined;
  for (const c of task.containers) c.lastStatus = 'STOPPED';
  if (task.serviceName) removeLive(ctx.liveByService, serviceKey(task.clusterArn, task.serviceName), task);
  if (task.containerInstanceArn) {
    trackUsage(ctx.usageByInstance, task, -1);
    ctx.capacityFreed(scope, task.clusterArn, now);
  }
  ctx.schedule(scope, task, now + STOPPED_TASK_RETENTION_MS, 'expire');
}
