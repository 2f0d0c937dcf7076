/**
 * What the rest of the sandbox asks of the ECS engine (the API handlers, the admin API and the
 * composition root). The runtime holds one; EcsEngine implements it.
 */
import type { AccountState, RegionState } from '../world.js';
import type { EcsCluster, EcsDeployment, EcsService, EcsTask, EcsTaskDefinition } from './model.js';

/** RunTask options the API passes through. */
export interface RunTasksOptions {
  count: number;
  launchType: string;
  group?: string;
  startedBy?: string;
  tags?: { key: string; value: string }[];
  overrides?: unknown;
  networkConfiguration?: unknown;
}

/** RunTask's answer: the tasks started and why others could not be placed. */
export interface RunTasksResult {
  tasks: EcsTask[];
  failures: { arn?: string; reason: string; detail?: string }[];
}

/** The ECS engine as its callers see it. */
export interface EcsScheduler {
  /** Re-arms the timers of tasks and services in flight (start, or after stop). */
  resume(): void;
  /** Cancels every timer (the sandbox is closing or pausing). */
  stop(): void;
  /** A new PRIMARY deployment of `taskDefinitionArn` (CreateService, UpdateService); reconcile follows. */
  startDeployment(
    regionState: RegionState,
    service: EcsService,
    taskDefinitionArn: string,
    now: number,
  ): EcsDeployment;
  /** Reconciles a service after Create/Update/Delete. */
  serviceChanged(account: AccountState, region: string, service: EcsService): void;
  /** RunTask: places `opts.count` tasks now; the ones that do not fit are reported as failures. */
  runTasks(
    account: AccountState,
    region: string,
    cluster: EcsCluster,
    taskDef: EcsTaskDefinition,
    opts: RunTasksOptions,
  ): RunTasksResult;
  /** StopTask: a user-initiated stop (a service then replaces the task). */
  stopTask(account: AccountState, region: string, task: EcsTask, reason: string): void;
  /** Container instances were added or changed: retry placement of the services waiting for room. */
  capacityChanged(account: AccountState, region: string, clusterArn: string): void;
}
