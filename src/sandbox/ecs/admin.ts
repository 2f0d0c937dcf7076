/**
 * ECS operations of the sandbox's admin API (not AWS actions): creating clusters and giving them
 * EC2 capacity, which real ECS gets from instances running the agent.
 */
import { AwsError } from '../errors.js';
import type { SandboxRuntime } from '../runtime.js';
import { regionOf, type AccountState } from '../world.js';
import { clusterArnOf, containerInstanceArnOf } from './arns.js';
import { createCluster } from './api-clusters.js';
import type { EcsCluster, EcsContainerInstance } from './model.js';
import type { HookOutcome, HookScript } from './service-deployment-model.js';

/** The ACTIVE cluster of that name, created when missing. */
export function ensureCluster(
  runtime: SandboxRuntime,
  account: AccountState,
  region: string,
  name: string,
): EcsCluster {
  const regionState = regionOf(account, region);
  const before = regionState.ecs.clusters[clusterArnOf({ region, account }, name)];
  const cluster = createCluster({ region, account, regionState }, name, runtime.now());
  if (cluster !== before) runtime.changed();
  return cluster;
}

export interface AddInstancesOptions {
  count: number;
  /** CPU units per instance (default 2048). */
  cpu?: number;
  /** MiB per instance (default 4096). */
  memory?: number;
  attributes?: { name: string; value?: string }[];
}

/** Registers `count` container instances in the cluster (created if missing) and tells the engine. */
export function addContainerInstances(
  runtime: SandboxRuntime,
  account: AccountState,
  region: string,
  clusterName: string,
  opts: AddInstancesOptions,
): EcsContainerInstance[] {
  const cluster = ensureCluster(runtime, account, region, clusterName);
  const ecs = regionOf(account, region).ecs;
  const added: EcsContainerInstance[] = [];
  const now = runtime.now();
  for (let i = 0; i < opts.count; i++) {
    const id = runtime.hexId(16);
    const ci: EcsContainerInstance = {
      containerInstanceArn: containerInstanceArnOf({ region, account }, clusterName, id),
      ec2InstanceId: `i-${runtime.hexId(9).slice(0, 17)}`,
      clusterArn: cluster.clusterArn,
      status: 'ACTIVE',
      cpu: opts.cpu ?? 2048,
      memory: opts.memory ?? 4096,
      registeredAt: now,
      attributes: [
        { name: 'ecs.os-type', value: 'linux' },
        { name: 'ecs.cpu-architecture', value: 'x86_64' },
        { name: 'ecs.availability-zone', value: `${region}a` },
        ...(opts.attributes ?? []),
      ],
    };
    ecs.containerInstances[ci.containerInstanceArn] = ci;
    added.push(ci);
  }
  runtime.changed();
  runtime.ecs.capacityChanged(account, region, cluster.clusterArn);
  return added;
}

/**
 * Deregisters a container instance (by ARN or id) as `DeregisterContainerInstance --force` does:
 * its tasks are stopped and it becomes INACTIVE.
 */
export function removeContainerInstance(
  runtime: SandboxRuntime,
  account: AccountState,
  region: string,
  clusterName: string,
  instance: string,
): EcsContainerInstance {
  const ecs = regionOf(account, region).ecs;
  const arn = instance.startsWith('arn:')
    ? instance
    : containerInstanceArnOf({ region, account }, clusterName, instance);
  const ci = ecs.containerInstances[arn];
  if (!ci || ci.status === 'INACTIVE') {
    throw new AwsError('InvalidParameterException', 'The referenced container instance was not found.');
  }
  for (const task of Object.values(ecs.tasks)) {
    if (task.containerInstanceArn === arn && task.desiredStatus !== 'STOPPED') {
      runtime.ecs.stopTask(account, region, task, 'Container instance deregistration forced by user.');
    }
  }
  ci.status = 'INACTIVE';
  runtime.changed();
  return ci;
}

/** Scripts what a Lambda lifecycle hook answers, invocation after invocation (the last repeats). */
export function setHookOutcomes(
  runtime: SandboxRuntime,
  account: AccountState,
  region: string,
  functionArn: string,
  outcomes: HookOutcome[],
): HookScript {
  const ecs = regionOf(account, region).ecs;
  const script: HookScript = { outcomes, used: 0 };
  (ecs.hookScripts ??= {})[functionArn] = script;
  runtime.changed();
  return script;
}

/** Every region's hook scripts and the Lambda invocations made, for GET /_sandbox/ecs/hook-outcomes. */
export function hookOutcomes(runtime: SandboxRuntime): { scripts: unknown[]; invocations: unknown[] } {
  const scripts: unknown[] = [];
  const invocations: unknown[] = [];
  for (const account of Object.values(runtime.world.accounts)) {
    for (const [region, rs] of Object.entries(account.regions)) {
      for (const [functionArn, s] of Object.entries(rs.ecs.hookScripts ?? {})) {
        scripts.push({ accountId: account.id, region, functionArn, ...s });
      }
      for (const inv of rs.ecs.hookInvocations ?? []) {
        invocations.push({ accountId: account.id, region, ...inv, at: new Date(inv.at).toISOString() });
      }
    }
  }
  return { scripts, invocations };
}

/** Sets a CloudWatch alarm's state; deployments watching it react at once. */
export function setAlarmState(
  runtime: SandboxRuntime,
  account: AccountState,
  region: string,
  alarmName: string,
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA',
): void {
  const ecs = regionOf(account, region).ecs;
  (ecs.alarmStates ??= {})[alarmName] = state;
  for (const svc of Object.values(ecs.services)) {
    if (svc.status === 'ACTIVE') runtime.ecs.serviceChanged(account, region, svc);
  }
  runtime.changed();
}

/** Every region's alarm states, for GET /_sandbox/alarms. */
export function alarmStates(runtime: SandboxRuntime): unknown[] {
  const out: unknown[] = [];
  for (const account of Object.values(runtime.world.accounts)) {
    for (const [region, rs] of Object.entries(account.regions)) {
      for (const [alarmName, state] of Object.entries(rs.ecs.alarmStates ?? {})) {
        out.push({ accountId: account.id, region, alarmName, state });
      }
    }
  }
  return out;
}
