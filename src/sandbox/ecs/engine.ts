/**
 * The ECS simulation engine: tasks move through their lifecycle on the sandbox clock, services
 * roll deployments within their health bounds, the circuit breaker fails and rolls back, and
 * service events tell the story. State lives in the world (plain data); the engine keeps only
 * timers and per-service/per-instance indexes, rebuilt by `resume()`.
 */
import type { TimerHandle } from '../clock.js';
import { invalidParameter } from '../errors.js';
import type { SandboxRuntime } from '../runtime.js';
import { regionOf, type AccountState, type RegionState } from '../world.js';
import { serviceOfTask, type EngineCtx, type InstanceUsage, type Scope } from './engine-context.js';
import { clusterInstances } from './engine-placement.js';
import { reconcileService, startDeployment } from './engine-rollout.js';
import { driveDeployment } from './engine-strategy.js';
import {
  indexTask,
  launchTask,
  requestStop,
  runTransition,
  STOPPED_TASK_RETENTION_MS,
} from './engine-tasks.js';
import type { EcsCluster, EcsDeployment, EcsService, EcsTask, EcsTaskDefinition } from './model.js';
import type { EcsScheduler, RunTasksOptions, RunTasksResult } from './scheduler.js';

export class EcsEngine implements EngineCtx, EcsScheduler {
  readonly liveByService = new Map<string, Set<EcsTask>>();
  readonly usageByInstance = new Map<string, InstanceUsage>();
  private readonly taskTimers = new Map<string, TimerHandle>();
  private readonly serviceTimers = new Map<string, { at: number; handle: TimerHandle }>();
  /** Services waiting for capacity, by cluster ARN. */
  private readonly stalled = new Map<string, Map<string, { scope: Scope; service: EcsService }>>();
  private readonly busy = new Set<string>();
  private readonly again = new Set<string>();
  private stopped = false;
  /** The scope of the operation in progress, so that `markStalled` can remember it. */
  private currentScope: Scope | undefined;

  constructor(readonly runtime: SandboxRuntime) {}

  /** Re-arms timers from the world after start-up or a state load, and reconciles every service. */
  resume(): void {
    this.stop();
    this.stopped = false;
    const now = this.runtime.now();
    const services: [Scope, EcsService][] = [];
    for (const account of Object.values(this.runtime.world.accounts)) {
      for (const region of Object.keys(account.regions)) {
        const scope = this.scope(account, region);
        for (const task of Object.values(scope.ecs.tasks)) {
          indexTask(this, task);
          if (task.nextTransition !== undefined && task.nextTransitionAt !== undefined) {
            this.schedule(scope, task, task.nextTransitionAt, task.nextTransition);
          } else if (task.lastStatus === 'STOPPED') {
            this.schedule(scope, task, (task.stoppedAt ?? now) + STOPPED_TASK_RETENTION_MS, 'expire');
          }
        }
        for (const s of Object.values(scope.ecs.services))
          if (s.status !== 'INACTIVE') services.push([scope, s]);
      }
    }
    for (const [scope, s] of services) this.reconcile(scope, s, now);
    this.runtime.changed();
  }

  /** Cancels every timer and forgets the indexes. */
  stop(): void {
    this.stopped = true;
    for (const h of this.taskTimers.values()) h.cancel();
    for (const t of this.serviceTimers.values()) t.handle.cancel();
    this.taskTimers.clear();
    this.serviceTimers.clear();
    this.stalled.clear();
    this.liveByService.clear();
    this.usageByInstance.clear();
  }

  /** A new PRIMARY deployment of `taskDefinitionArn` (CreateService, UpdateService); reconcile follows. */
  startDeployment(
    _regionState: RegionState,
    service: EcsService,
    taskDefinitionArn: string,
    now: number,
  ): EcsDeployment {
    return startDeployment(this.runtime, service, taskDefinitionArn, now);
  }

  /** Reconciles a service after Create/Update/Delete (DRAINING = deleted: stop its tasks). */
  serviceChanged(account: AccountState, region: string, service: EcsService): void {
    this.reconcile(this.scope(account, region), service, this.runtime.now());
    this.runtime.changed();
  }

  /** RunTask: places `count` tasks now; the ones that do not fit are reported as failures. */
  runTasks(
    account: AccountState,
    region: string,
    cluster: EcsCluster,
    taskDef: EcsTaskDefinition,
    opts: RunTasksOptions,
  ): RunTasksResult {
    const scope = this.scope(account, region);
    const now = this.runtime.now();
    if (opts.launchType !== 'FARGATE' && clusterInstances(scope, cluster.clusterArn).length === 0) {
      throw invalidParameter('No Container Instances were found in your cluster.');
    }
    const out: RunTasksResult = { tasks: [], failures: [] };
    for (let i = 0; i < opts.count; i++) {
      const r = launchTask(
        this,
        scope,
        {
          clusterArn: cluster.clusterArn,
          taskDef,
          launchType: opts.launchType,
          group: opts.group ?? `family:${String(taskDef.family)}`,
          ...(opts.startedBy !== undefined ? { startedBy: opts.startedBy } : {}),
          ...(opts.tags !== undefined ? { tags: opts.tags } : {}),
          ...(opts.overrides !== undefined ? { overrides: opts.overrides } : {}),
          ...(opts.networkConfiguration !== undefined
            ? { networkConfiguration: opts.networkConfiguration }
            : {}),
        },
        now,
      );
      if (r.ok) out.tasks.push(r.task);
      else if (r.reason.kind !== 'NO_INSTANCES')
        out.failures.push({ arn: r.reason.instanceArn, reason: r.reason.kind });
      else out.failures.push({ reason: 'No Container Instances were found in your cluster.' });
    }
    this.runtime.changed();
    return out;
  }

  /** StopTask: a user-initiated stop (a service then replaces the task). */
  stopTask(account: AccountState, region: string, task: EcsTask, reason: string): void {
    const scope = this.scope(account, region);
    const now = this.runtime.now();
    requestStop(this, scope, task, 'UserInitiated', reason || 'Task stopped by user', now);
    const service = serviceOfTask(scope, task);
    if (service) this.reconcile(scope, service, now);
    this.runtime.changed();
  }

  /** Container instances were added (or changed): retry placement of the services waiting for room. */
  capacityChanged(account: AccountState, region: string, clusterArn: string): void {
    this.capacityFreed(this.scope(account, region), clusterArn, this.runtime.now());
    this.runtime.changed();
  }

  // ---- EngineCtx: used by the lifecycle and rollout modules ----

  schedule(scope: Scope, task: EcsTask, at: number, transition: string): void {
    this.unschedule(task);
    task.nextTransitionAt = at;
    task.nextTransition = transition;
    if (this.stopped) return;
    this.taskTimers.set(
      task.taskArn,
      this.runtime.clock.at(at, () => this.fire(scope, task)),
    );
  }

  unschedule(task: EcsTask): void {
    const h = this.taskTimers.get(task.taskArn);
    if (h) {
      h.cancel();
      this.taskTimers.delete(task.taskArn);
    }
    task.nextTransitionAt = undefined;
    task.nextTransition = undefined;
  }

  reconcile(scope: Scope, service: EcsService, now: number): void {
    const k = service.serviceArn;
    if (this.busy.has(k)) {
      this.again.add(k);
      return;
    }
    this.busy.add(k);
    const outer = this.currentScope;
    this.currentScope = scope;
    try {
      // A reconcile can cause another for the same service (a task that fails to start at once).
      for (let i = 0; i < 5; i++) {
        this.again.delete(k);
        reconcileService(this, scope, service, now);
        // The service deployment's stage machine; what it now holds or releases needs another pass.
        if (driveDeployment(this, scope, service, now)) this.again.add(k);
        if (!this.again.has(k)) break;
      }
    } finally {
      this.busy.delete(k);
      this.again.delete(k);
      this.currentScope = outer;
    }
  }

  reconcileAt(scope: Scope, service: EcsService, at: number): void {
    const k = service.serviceArn;
    const existing = this.serviceTimers.get(k);
    if (existing && existing.at <= at) return;
    existing?.handle.cancel();
    if (this.stopped) return;
    const handle = this.runtime.clock.at(at, () => {
      this.serviceTimers.delete(k);
      this.reconcile(scope, service, at);
      this.runtime.changed();
    });
    this.serviceTimers.set(k, { at, handle });
  }

  markStalled(service: EcsService, stalled: boolean): void {
    let m = this.stalled.get(service.clusterArn);
    if (!stalled) {
      m?.delete(service.serviceArn);
      if (m && m.size === 0) this.stalled.delete(service.clusterArn);
      return;
    }
    const scope = this.currentScope;
    if (!scope) return;
    if (!m) this.stalled.set(service.clusterArn, (m = new Map()));
    m.set(service.serviceArn, { scope, service });
  }

  capacityFreed(_scope: Scope, clusterArn: string, now: number): void {
    const m = this.stalled.get(clusterArn);
    if (!m) return;
    for (const { scope, service } of [...m.values()]) this.reconcile(scope, service, now);
  }

  private fire(scope: Scope, task: EcsTask): void {
    this.taskTimers.delete(task.taskArn);
    const transition = task.nextTransition;
    const at = task.nextTransitionAt ?? this.runtime.now();
    task.nextTransition = undefined;
    task.nextTransitionAt = undefined;
    // A task deleted from the world meanwhile (state replaced) is left alone.
    if (!transition || scope.ecs.tasks[task.taskArn] !== task) return;
    runTransition(this, scope, task, transition, at);
    if (transition !== 'expire') {
      const service = serviceOfTask(scope, task);
      if (service) this.reconcile(scope, service, at);
    }
    this.runtime.changed();
  }

  private scope(account: AccountState, region: string): Scope {
    const rs = regionOf(account, region);
    return { account, region, rs, ecs: rs.ecs };
  }
}
