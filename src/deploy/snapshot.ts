/**
 * Reads ECS state and converts the SDK's shapes into the rollout judge's snapshots (the boundary
 * where optional SDK fields get their defaults).
 */
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  type Deployment,
  type ECSClient,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import { DESCRIBE_SERVICES_MAX } from '../core/aws-limits.js';
import { SlipwayError } from '../core/errors.js';
import type { DeploymentSnapshot, ServiceSnapshot, StoppedTaskSnapshot } from '../core/rollout/types.js';

/** A deployment as the judge sees it. */
export function toDeploymentSnapshot(d: Deployment): DeploymentSnapshot {
  return {
    id: d.id ?? '',
    status: d.status ?? 'UNKNOWN',
    taskDefinitionArn: d.taskDefinition ?? '',
    desired: d.desiredCount ?? 0,
    pending: d.pendingCount ?? 0,
    running: d.runningCount ?? 0,
    failed: d.failedTasks ?? 0,
    ...(d.rolloutState !== undefined ? { rolloutState: d.rolloutState } : {}),
    ...(d.rolloutStateReason !== undefined ? { rolloutStateReason: d.rolloutStateReason } : {}),
    ...(d.createdAt !== undefined ? { createdAt: d.createdAt.getTime() } : {}),
  };
}

/** A service as the judge sees it. */
export function toServiceSnapshot(s: Service): ServiceSnapshot {
  const cb = s.deploymentConfiguration?.deploymentCircuitBreaker;
  return {
    name: s.serviceName ?? '',
    status: s.status ?? 'UNKNOWN',
    taskDefinitionArn: s.taskDefinition ?? '',
    desiredCount: s.desiredCount ?? 0,
    deployments: (s.deployments ?? []).map(toDeploymentSnapshot),
    events: (s.events ?? []).map((e) => ({
      id: e.id ?? '',
      createdAt: e.createdAt?.getTime() ?? 0,
      message: e.message ?? '',
    })),
    circuitBreaker: { enable: cb?.enable === true, rollback: cb?.rollback === true },
  };
}

/**
 * Describes services (batches of 10); missing or INACTIVE services come back as undefined.
 * `onAttempts` learns how many attempts (the SDK's retries included) each call took.
 */
export async function describeServices(
  ecs: ECSClient,
  cluster: string,
  names: string[],
  onAttempts?: (attempts: number) => void,
): Promise<Map<string, Service | undefined>> {
  const out = new Map<string, Service | undefined>();
  for (let i = 0; i < names.length; i += DESCRIBE_SERVICES_MAX) {
    const batch = names.slice(i, i + DESCRIBE_SERVICES_MAX);
    const res = await ecs.send(new DescribeServicesCommand({ cluster, services: batch }));
    onAttempts?.(res.$metadata.attempts ?? 1);
    const failure = res.failures?.find((f) => f.reason === 'MISSING' && f.arn === undefined);
    if (failure) throw new SlipwayError('NOT_FOUND', `Cluster ${cluster} was not found.`);
    for (const name of batch) {
      const s = res.services?.find((x) => x.serviceName === name || x.serviceArn === name);
      out.set(name, s && s.status !== 'INACTIVE' ? s : undefined);
    }
  }
  return out;
}

/** Describes one service; NOT_FOUND when it does not exist or is INACTIVE. */
export async function describeService(ecs: ECSClient, cluster: string, name: string): Promise<Service> {
  const s = (await describeServices(ecs, cluster, [name])).get(name);
  if (!s) throw notFound(cluster, name);
  return s;
}

/** The NOT_FOUND error for a service. */
export function notFound(cluster: string, name: string): SlipwayError {
  return new SlipwayError(
    'NOT_FOUND',
    `Service ${name} was not found in cluster ${cluster} (or it is INACTIVE). Check -c and -n, and the region.`,
    { data: { cluster, service: name } },
  );
}

/** A task as the judge sees it when stopped. */
export function toStoppedTask(t: Task): StoppedTaskSnapshot {
  return {
    taskArn: t.taskArn ?? '',
    taskDefinitionArn: t.taskDefinitionArn ?? '',
    ...(t.stopCode !== undefined ? { stopCode: t.stopCode } : {}),
    ...(t.stoppedReason !== undefined ? { stoppedReason: t.stoppedReason } : {}),
    containers: (t.containers ?? []).map((c) => ({
      name: c.name ?? '',
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      ...(c.reason !== undefined ? { reason: c.reason } : {}),
    })),
  };
}

/** Describes tasks by ARN, 100 per call. */
export async function describeTasks(ecs: ECSClient, cluster: string, arns: string[]): Promise<Task[]> {
  const out: Task[] = [];
  for (let i = 0; i < arns.length; i += 100) {
    const res = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100) }));
    out.push(...(res.tasks ?? []));
  }
  return out;
}

/** Task ARNs of a ListTasks query, all pages. */
export async function listTaskArns(
  ecs: ECSClient,
  input: { cluster: string; desiredStatus?: 'RUNNING' | 'STOPPED'; startedBy?: string; family?: string },
): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const res = await ecs.send(new ListTasksCommand({ ...input, ...(nextToken ? { nextToken } : {}) }));
    arns.push(...(res.taskArns ?? []));
    nextToken = res.nextToken;
  } while (nextToken);
  return arns;
}

/**
 * Reads the stopped tasks of a service deployment (ECS starts them with startedBy = the deployment
 * id). `cache` keeps tasks already described: stopped tasks do not change.
 */
export async function stoppedTasksOf(
  ecs: ECSClient,
  cluster: string,
  deploymentId: string,
  cache: Map<string, StoppedTaskSnapshot>,
): Promise<StoppedTaskSnapshot[]> {
  const arns = await listTaskArns(ecs, { cluster, desiredStatus: 'STOPPED', startedBy: deploymentId });
  const fresh = arns.filter((a) => !cache.has(a));
  if (fresh.length > 0) {
    for (const t of await describeTasks(ecs, cluster, fresh)) {
      // Tasks still stopping have no reason yet: read them again next time.
      if (t.taskArn && t.lastStatus === 'STOPPED') cache.set(t.taskArn, toStoppedTask(t));
    }
  }
  return [...cache.values()];
}
