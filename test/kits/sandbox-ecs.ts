/**
 * Test helpers for the ECS engine: a world with one account and cluster, built directly (no
 * API), stepped with `clock.advance` so that sequences are deterministic.
 */
import { SandboxClock } from '../../src/sandbox/clock.js';
import { emptyIamAccount } from '../../src/sandbox/iam/model.js';
import { SandboxRuntime } from '../../src/sandbox/runtime.js';
import { emptyWorld, regionOf, type AccountState, type WorldState } from '../../src/sandbox/world.js';
import { isHealthy, serviceKey } from '../../src/sandbox/ecs/engine-context.js';
import { EcsEngine } from '../../src/sandbox/ecs/engine.js';
import type {
  EcsCluster,
  EcsContainerInstance,
  EcsService,
  EcsTask,
  EcsTaskDefinition,
} from '../../src/sandbox/ecs/model.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
const PREFIX = `arn:aws:ecs:${REGION}:${ACCOUNT}:`;

export interface Kit {
  world: WorldState;
  clock: SandboxClock;
  runtime: SandboxRuntime;
  engine: EcsEngine;
  account: AccountState;
  cluster: EcsCluster;
}

/** A fresh world with one cluster; the clock barely moves on its own (advance it). */
export function makeKit(world?: WorldState, start = 1_700_000_000_000): Kit {
  const w = world ?? emptyWorld();
  const clock = new SandboxClock(1e-9, start);
  const runtime = new SandboxRuntime(w, clock, 'http://127.0.0.1:4510');
  const engine = new EcsEngine(runtime);
  runtime.ecs = engine;
  let account = w.accounts[ACCOUNT];
  if (!account) {
    account = { id: ACCOUNT, name: 'test', accessKeys: [], iam: emptyIamAccount(), regions: {} };
    w.accounts[ACCOUNT] = account;
  }
  const ecs = regionOf(account, REGION).ecs;
  const clusterArn = `${PREFIX}cluster/main`;
  ecs.clusters[clusterArn] ??= {
    clusterName: 'main',
    clusterArn,
    status: 'ACTIVE',
    createdAt: start,
    tags: [],
    extra: {},
  };
  return { world: w, clock, runtime, engine, account, cluster: ecs.clusters[clusterArn] };
}

export function ecsOf(kit: Kit) {
  return regionOf(kit.account, REGION).ecs;
}

/** Adds `n` ACTIVE container instances and tells the engine. */
export function addInstances(kit: Kit, n: number, cpu = 4096, memory = 8192): EcsContainerInstance[] {
  const ecs = ecsOf(kit);
  const out: EcsContainerInstance[] = [];
  for (let i = 0; i < n; i++) {
    const id = kit.runtime.hexId();
    const ci: EcsContainerInstance = {
      containerInstanceArn: `${PREFIX}container-instance/main/${id}`,
      ec2InstanceId: `i-${id.slice(0, 17)}`,
      clusterArn: kit.cluster.clusterArn,
      status: 'ACTIVE',
      cpu,
      memory,
      registeredAt: kit.runtime.now(),
      attributes: [],
    };
    ecs.containerInstances[ci.containerInstanceArn] = ci;
    out.push(ci);
  }
  kit.engine.capacityChanged(kit.account, REGION, kit.cluster.clusterArn);
  return out;
}

/** Registers a task definition revision with the given containers and task-level fields. */
export function registerTaskDef(
  kit: Kit,
  family: string,
  containers: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): EcsTaskDefinition {
  const ecs = ecsOf(kit);
  const list = (ecs.taskDefinitions[family] ??= []);
  const revision = list.length + 1;
  const td: EcsTaskDefinition = {
    family,
    revision,
    taskDefinitionArn: `${PREFIX}task-definition/${family}:${revision}`,
    status: 'ACTIVE',
    registeredAt: kit.runtime.now(),
    registeredBy: 'test',
    body: { family, containerDefinitions: containers, ...extra },
    tags: [],
  };
  list.push(td);
  return td;
}

/** A simple web container. */
export function web(image: string, more: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'web', image, cpu: 256, memory: 512, essential: true, ...more };
}

export interface ServiceOptions {
  desired: number;
  min?: number;
  max?: number;
  breaker?: { enable: boolean; rollback: boolean };
  launchType?: string;
  targetGroupArn?: string;
  grace?: number;
}

/** Creates a service the way CreateService does (record, first deployment, reconcile). */
export function createService(kit: Kit, name: string, td: EcsTaskDefinition, o: ServiceOptions): EcsService {
  const ecs = ecsOf(kit);
  const now = kit.runtime.now();
  const service: EcsService = {
    serviceName: name,
    serviceArn: `${PREFIX}service/main/${name}`,
    clusterArn: kit.cluster.clusterArn,
    status: 'ACTIVE',
    desiredCount: o.desired,
    taskDefinition: td.taskDefinitionArn,
    launchType: o.launchType ?? 'EC2',
    createdAt: now,
    createdBy: 'test',
    deploymentConfiguration: {
      minimumHealthyPercent: o.min ?? 100,
      maximumPercent: o.max ?? 200,
      ...(o.breaker ? { deploymentCircuitBreaker: o.breaker } : {}),
    },
    deployments: [],
    events: [],
    loadBalancers: o.targetGroupArn
      ? [{ targetGroupArn: o.targetGroupArn, containerName: 'web', containerPort: 80 }]
      : [],
    ...(o.grace !== undefined ? { healthCheckGracePeriodSeconds: o.grace } : {}),
    tags: [],
    extra: {},
  };
  ecs.services[service.serviceArn] = service;
  kit.engine.startDeployment(regionOf(kit.account, REGION), service, td.taskDefinitionArn, now);
  kit.engine.serviceChanged(kit.account, REGION, service);
  return service;
}

/** UpdateService with a new task definition. */
export function deploy(kit: Kit, service: EcsService, td: EcsTaskDefinition): string {
  const dep = kit.engine.startDeployment(
    regionOf(kit.account, REGION),
    service,
    td.taskDefinitionArn,
    kit.runtime.now(),
  );
  kit.engine.serviceChanged(kit.account, REGION, service);
  return dep.id;
}

/** Live tasks of a service (not STOPPED). */
export function liveTasks(kit: Kit, service: EcsService): EcsTask[] {
  return [...(kit.engine.liveByService.get(serviceKey(service.clusterArn, service.serviceName)) ?? [])];
}

/** All tasks of a service in the world, stopped ones included. */
export function allTasks(kit: Kit, service: EcsService): EcsTask[] {
  return Object.values(ecsOf(kit).tasks).filter((t) => t.serviceName === service.serviceName);
}

/** Counts of a service's not-stopping tasks by deployment, and how many are healthy. */
export function counts(kit: Kit, service: EcsService, deploymentId: string) {
  const active = liveTasks(kit, service).filter((t) => t.desiredStatus === 'RUNNING');
  return {
    total: active.length,
    mine: active.filter((t) => t.deploymentId === deploymentId).length,
    old: active.filter((t) => t.deploymentId !== deploymentId).length,
    healthy: active.filter(isHealthy).length,
  };
}

/** Advances the clock a second at a time until `done` or `maxSeconds`, calling `each` after each step. */
export function runUntil(kit: Kit, done: () => boolean, maxSeconds: number, each?: () => void): number {
  for (let s = 0; s < maxSeconds; s++) {
    if (done()) return s;
    kit.clock.advance(1000);
    each?.();
  }
  if (done()) return maxSeconds;
  throw new Error(`condition not reached within ${maxSeconds} sandbox seconds`);
}

/** The service's event messages, oldest first (easier to read in assertions). */
export function messages(service: EcsService): string[] {
  return service.events.map((e) => e.message).reverse();
}
