/** The Task shape of RunTask, StopTask and DescribeTasks. */
import { epochSeconds } from '../service.js';
import type { EcsRegion, EcsTask } from './model.js';
import { taskDefinitionByArn } from './resources.js';
import { clone, isObject } from './util.js';

/** ECS bumps a task's version on each state change; the lifecycle timestamps set so far count them. */
function versionOf(task: EcsTask): number {
  const marks = [task.pullStartedAt, task.pullStoppedAt, task.startedAt, task.stoppingAt, task.stoppedAt];
  return 1 + marks.filter((m) => m !== undefined).length;
}

/** A task's private IPv4 address, derived from its id so it stays stable (its ENI's, its target id). */
export function taskIpAddress(task: EcsTask): string {
  const id = task.taskId.padEnd(32, '0');
  const byte = (i: number) => parseInt(id.slice(i * 2, i * 2 + 2), 16) || 1;
  return `10.0.${byte(0)}.${byte(1)}`;
}

/** The ENI attachment ECS shows for an awsvpc task, derived from the task id so it stays stable. */
function eniAttachment(task: EcsTask, region: string): Record<string, unknown> {
  const id = task.taskId.padEnd(32, '0');
  const ip = taskIpAddress(task);
  const vpc = isObject(task.networkConfiguration) ? task.networkConfiguration.awsvpcConfiguration : undefined;
  const subnets = isObject(vpc) && Array.isArray(vpc.subnets) ? vpc.subnets : [];
  const status =
    task.lastStatus === 'STOPPED'
      ? 'DELETED'
      : task.lastStatus === 'PROVISIONING'
        ? 'PRECREATED'
        : 'ATTACHED';
  return {
    id: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`,
    type: 'ElasticNetworkInterface',
    status,
    details: [
      { name: 'subnetId', value: typeof subnets[0] === 'string' ? subnets[0] : 'subnet-00000000' },
      { name: 'networkInterfaceId', value: `eni-${id.slice(0, 17)}` },
      {
        name: 'macAddress',
        value: `02:${id.slice(2, 4)}:${id.slice(4, 6)}:${id.slice(6, 8)}:${id.slice(8, 10)}:${id.slice(10, 12)}`,
      },
      {
        name: 'privateDnsName',
        value: `ip-${ip.replaceAll('.', '-')}.${region === 'us-east-1' ? 'ec2' : `${region}.compute`}.internal`,
      },
      { name: 'privateIPv4Address', value: ip },
    ],
  };
}

/** A task as ECS returns it; `tags` only when asked for. */
export function renderTask(
  ecs: EcsRegion,
  region: string,
  task: EcsTask,
  withTags: boolean,
): Record<string, unknown> {
  const td = taskDefinitionByArn(ecs, task.taskDefinitionArn);
  const awsvpc = td?.body.networkMode === 'awsvpc';
  const fargate = task.launchType === 'FARGATE';
  const out: Record<string, unknown> = {
    attachments: awsvpc ? [eniAttachment(task, region)] : [],
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    availabilityZone: `${region}a`,
    clusterArn: task.clusterArn,
  };
  if (task.lastStatus === 'RUNNING' || task.startedAt !== undefined) {
    out.connectivity = 'CONNECTED';
    out.connectivityAt = epochSeconds(task.pullStartedAt ?? task.createdAt);
  }
  if (task.containerInstanceArn !== undefined) out.containerInstanceArn = task.containerInstanceArn;
  out.containers = task.containers.map((c) => {
    const r: Record<string, unknown> = {
      containerArn: c.containerArn,
      taskArn: task.taskArn,
      name: c.name,
      image: c.image,
      lastStatus: c.lastStatus,
    };
    if (c.exitCode !== undefined) r.exitCode = c.exitCode;
    if (c.reason !== undefined) r.reason = c.reason;
    r.networkBindings = [];
    r.networkInterfaces = [];
    if (c.healthStatus !== undefined) r.healthStatus = c.healthStatus;
    return r;
  });
  if (task.cpu !== undefined) out.cpu = task.cpu;
  out.createdAt = epochSeconds(task.createdAt);
  out.desiredStatus = task.desiredStatus;
  out.enableExecuteCommand = false;
  out.group = task.group;
  out.healthStatus = task.healthStatus;
  out.lastStatus = task.lastStatus;
  out.launchType = task.launchType;
  if (task.memory !== undefined) out.memory = task.memory;
  out.overrides = clone(task.overrides) ?? { containerOverrides: [], inferenceAcceleratorOverrides: [] };
  if (fargate) {
    out.platformVersion = '1.4.0';
    out.platformFamily = 'Linux';
    out.ephemeralStorage = { sizeInGiB: 20 };
  }
  const times: [string, number | undefined][] = [
    ['pullStartedAt', task.pullStartedAt],
    ['pullStoppedAt', task.pullStoppedAt],
    ['startedAt', task.startedAt],
    ['stoppingAt', task.stoppingAt],
    ['stoppedAt', task.stoppedAt],
  ];
  for (const [k, v] of times) if (v !== undefined) out[k] = epochSeconds(v);
  if (task.stoppedAt !== undefined) out.executionStoppedAt = epochSeconds(task.stoppedAt);
  if (task.startedBy !== undefined) out.startedBy = task.startedBy;
  if (task.stopCode !== undefined) out.stopCode = task.stopCode;
  if (task.stoppedReason !== undefined) out.stoppedReason = task.stoppedReason;
  if (withTags) out.tags = clone(task.tags);
  out.taskArn = task.taskArn;
  out.taskDefinitionArn = task.taskDefinitionArn;
  out.version = versionOf(task);
  return out;
}
