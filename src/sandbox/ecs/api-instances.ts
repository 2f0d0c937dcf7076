/** ECS container instance actions: DescribeContainerInstances, ListContainerInstances. */
import { AwsError, invalidParameter, optionalString } from '../errors.js';
import { epochSeconds, type JsonHandler } from '../service.js';
import { containerInstanceRefToArn, resolveCluster } from './arns.js';
import type { EcsContainerInstance, EcsRegion } from './model.js';
import { paginate } from './pagination.js';
import { isLive, isPending, taskSize } from './resources.js';
import { clone, parseInclude, requireRefs, type Failure } from './util.js';

/** Ports the ECS agent and Docker reserve on every instance. */
const RESERVED_PORTS = ['22', '2375', '2376', '51678', '51679'];

function resources(cpu: number, memory: number, ports: string[]): Record<string, unknown>[] {
  const int = (name: string, v: number) => ({
    name,
    type: 'INTEGER',
    doubleValue: 0,
    longValue: 0,
    integerValue: v,
  });
  return [
    int('CPU', cpu),
    int('MEMORY', memory),
    {
      name: 'PORTS',
      type: 'STRINGSET',
      doubleValue: 0,
      longValue: 0,
      integerValue: 0,
      stringSetValue: ports,
    },
    {
      name: 'PORTS_UDP',
      type: 'STRINGSET',
      doubleValue: 0,
      longValue: 0,
      integerValue: 0,
      stringSetValue: [],
    },
  ];
}

/** A container instance with its remaining resources: capacity minus the live tasks placed on it. */
export function renderContainerInstance(ecs: EcsRegion, ci: EcsContainerInstance): Record<string, unknown> {
  let cpu = 0;
  let memory = 0;
  let running = 0;
  let pending = 0;
  const ports = new Set(RESERVED_PORTS);
  for (const t of Object.values(ecs.tasks)) {
    if (t.containerInstanceArn !== ci.containerInstanceArn || !isLive(t)) continue;
    const size = taskSize(ecs, t);
    cpu += size.cpu;
    memory += size.memory;
    for (const p of t.hostPorts) ports.add(String(p));
    if (t.lastStatus === 'RUNNING') running++;
    else if (isPending(t)) pending++;
  }
  return {
    containerInstanceArn: ci.containerInstanceArn,
    ec2InstanceId: ci.ec2InstanceId,
    version: 1 + running + pending,
    versionInfo: { agentVersion: '1.87.0', agentHash: 'sandbox', dockerVersion: 'DockerVersion: 25.0.8' },
    remainingResources: resources(Math.max(0, ci.cpu - cpu), Math.max(0, ci.memory - memory), [...ports]),
    registeredResources: resources(ci.cpu, ci.memory, [...RESERVED_PORTS]),
    status: ci.status,
    agentConnected: ci.status !== 'INACTIVE',
    runningTasksCount: running,
    pendingTasksCount: pending,
    attributes: clone(ci.attributes),
    registeredAt: epochSeconds(ci.registeredAt),
    attachments: [],
    tags: clone(ci.tags ?? []),
  };
}

const describeContainerInstances: JsonHandler = (input, ctx) => {
  const cluster = resolveCluster(ctx, input.cluster);
  const refs = requireRefs(input, 'containerInstances', 100);
  parseInclude(input, ['TAGS', 'CONTAINER_INSTANCE_HEALTH']);
  const ecs = ctx.regionState.ecs;
  const containerInstances: Record<string, unknown>[] = [];
  const failures: Failure[] = [];
  for (const ref of refs) {
    let arn: string;
    try {
      arn = containerInstanceRefToArn(ctx, cluster, ref);
    } catch (e) {
      if (
        e instanceof AwsError &&
        e.code === 'InvalidParameterException' &&
        e.message.includes('not found')
      ) {
        failures.push({ arn: ref, reason: 'MISSING' });
        continue;
      }
      throw e;
    }
    const ci = ecs.containerInstances[arn];
    if (ci && ci.clusterArn === cluster.clusterArn) containerInstances.push(renderContainerInstance(ecs, ci));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { containerInstances, failures };
};

const INSTANCE_STATUSES = ['ACTIVE', 'DRAINING', 'REGISTERING', 'DEREGISTERING', 'REGISTRATION_FAILED'];

const listContainerInstances: JsonHandler = (input, ctx) => {
  const cluster = resolveCluster(ctx, input.cluster);
  const status = optionalString(input, 'status');
  if (status !== undefined && !INSTANCE_STATUSES.includes(status)) {
    throw invalidParameter(`status must be one of: ${INSTANCE_STATUSES.join(', ')}.`);
  }
  const arns = Object.values(ctx.regionState.ecs.containerInstances)
    .filter((ci) => ci.clusterArn === cluster.clusterArn)
    .filter((ci) => (status === undefined ? ci.status !== 'INACTIVE' : ci.status === status))
    .map((ci) => ci.containerInstanceArn)
    .sort();
  const page = paginate(arns, (a) => a, input, { defaultMax: 100, max: 100 });
  return { containerInstanceArns: page.items, nextToken: page.nextToken };
};

export const containerInstanceActions: Record<string, JsonHandler> = {
  DescribeContainerInstances: describeContainerInstances,
  ListContainerInstances: listContainerInstances,
};
