/**
 * What the engine's parts share: the scope an operation runs in (account + region), the
 * in-memory indexes, and small readers of task definitions and settings.
 */
import type { SandboxRuntime } from '../runtime.js';
import type { AccountState, ImageFault, RegionState, Timings } from '../world.js';
import type { EcsRegion, EcsService, EcsTask, EcsTaskDefinition } from './model.js';

/** What the live tasks on one instance hold, kept current as tasks come and go. */
export interface InstanceUsage {
  cpu: number;
  memory: number;
  /** Fixed host port → tasks holding it. */
  ports: Map<number, number>;
  tasks: number;
  /** Task group → live tasks of it. */
  groups: Map<string, number>;
}

/** The account and region an engine operation works in. */
export interface Scope {
  account: AccountState;
  region: string;
  rs: RegionState;
  ecs: EcsRegion;
}

/** What the task lifecycle and the rollout code need from the engine. */
export interface EngineCtx {
  readonly runtime: SandboxRuntime;
  /** Live (not STOPPED) tasks by service key (see `serviceKey`). */
  readonly liveByService: Map<string, Set<EcsTask>>;
  /** What live tasks hold on each container instance (cpu, memory, ports), by instance ARN. */
  readonly usageByInstance: Map<string, InstanceUsage>;
  /** Sets the task's next transition and arms its timer. */
  schedule(scope: Scope, task: EcsTask, at: number, transition: string): void;
  /** Cancels the task's pending transition. */
  unschedule(task: EcsTask): void;
  /** Runs the service scheduler for one service. */
  reconcile(scope: Scope, service: EcsService, now: number): void;
  /** Arms a reconcile of the service at `at` (relaunch back-off). */
  reconcileAt(scope: Scope, service: EcsService, at: number): void;
  /** Marks a service as waiting for capacity in its cluster. */
  markStalled(service: EcsService, stalled: boolean): void;
  /** Capacity was freed on a cluster: retry the services waiting for it. */
  capacityFreed(scope: Scope, clusterArn: string, now: number): void;
}

/** The key of a service in the indexes (tasks know their cluster and service name). */
export function serviceKey(clusterArn: string, serviceName: string): string {
  return `${clusterArn}|${serviceName}`;
}

/** The ARN of a task's service, derived as ECS forms it. */
export function serviceArnOfTask(task: EcsTask): string | undefined {
  if (!task.serviceName) return undefined;
  const clusterName = clusterNameOf(task.clusterArn);
  return task.clusterArn.replace(/:cluster\/.*$/, `:service/${clusterName}/${task.serviceName}`);
}

/** The service that owns a task, if any. */
export function serviceOfTask(scope: Scope, task: EcsTask): EcsService | undefined {
  const arn = serviceArnOfTask(task);
  return arn ? scope.ecs.services[arn] : undefined;
}

/** The cluster name of a cluster ARN. */
export function clusterNameOf(clusterArn: string): string {
  const i = clusterArn.indexOf(':cluster/');
  return i < 0 ? clusterArn : clusterArn.slice(i + ':cluster/'.length);
}

/** The last path segment of an ARN (task id, container instance id). */
export function idOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** Looks a task definition up by ARN. */
export function findTaskDef(ecs: EcsRegion, arn: string): EcsTaskDefinition | undefined {
  const m = /:task-definition\/([^:]+):(\d+)$/.exec(arn);
  if (!m) return undefined;
  return ecs.taskDefinitions[m[1]!]?.[Number(m[2]) - 1];
}

/** Sandbox milliseconds of a timing setting. */
export function ms(runtime: SandboxRuntime, key: keyof Timings): number {
  return runtime.world.settings.timings[key] * 1000;
}

/** The fault configured for an image, if any. */
export function faultOf(runtime: SandboxRuntime, image: string): ImageFault | undefined {
  return runtime.world.settings.imageFaults.find((f) => f.image === image);
}

/** A container definition as the engine reads it from a task definition body. */
export interface ContainerDef {
  name: string;
  image: string;
  essential: boolean;
  cpu: number;
  memory: number;
  /** Fixed host ports (bridge/host mode, non-zero). */
  hostPorts: number[];
  healthCheck?: { interval: number; retries: number; startPeriod: number };
  logConfiguration?: { logDriver?: string; options?: Record<string, string> };
}

function num(v: unknown, dflt: number): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return dflt;
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** The network mode a task of this definition runs in (Fargate is always awsvpc). */
export function networkModeOf(td: EcsTaskDefinition, launchType: string): string {
  const m = td.body['networkMode'];
  if (typeof m === 'string' && m !== '') return m;
  return launchType === 'FARGATE' ? 'awsvpc' : 'bridge';
}

/** The container definitions of a task definition, with ECS defaults applied. */
export function containerDefs(td: EcsTaskDefinition, launchType: string): ContainerDef[] {
  const mode = networkModeOf(td, launchType);
  const list = Array.isArray(td.body['containerDefinitions'])
    ? (td.body['containerDefinitions'] as unknown[])
    : [];
  const out: ContainerDef[] = [];
  for (const raw of list) {
    const c = rec(raw);
    if (!c) continue;
    const ports: number[] = [];
    if (mode === 'bridge' || mode === 'host') {
      for (const pm of Array.isArray(c['portMappings']) ? (c['portMappings'] as unknown[]) : []) {
        const p = rec(pm);
        if (!p) continue;
        // Host mode binds the container port itself; bridge mode only a non-zero hostPort.
        const port = mode === 'host' ? num(p['hostPort'], num(p['containerPort'], 0)) : num(p['hostPort'], 0);
        if (port > 0) ports.push(port);
      }
    }
    const hc = rec(c['healthCheck']);
    const lc = rec(c['logConfiguration']);
    out.push({
      name: typeof c['name'] === 'string' ? c['name'] : 'container',
      image: typeof c['image'] === 'string' ? c['image'] : '',
      essential: c['essential'] !== false,
      cpu: num(c['cpu'], 0),
      memory: num(c['memory'], num(c['memoryReservation'], 0)),
      hostPorts: ports,
      ...(hc
        ? {
            healthCheck: {
              interval: num(hc['interval'], 30),
              retries: num(hc['retries'], 3),
              startPeriod: num(hc['startPeriod'], 0),
            },
          }
        : {}),
      ...(lc ? { logConfiguration: lc as ContainerDef['logConfiguration'] } : {}),
    });
  }
  return out;
}

/** The cpu units and MiB a task of this definition reserves (task level, else the sum of containers). */
export function taskSize(td: EcsTaskDefinition, launchType: string): { cpu: number; memory: number } {
  const defs = containerDefs(td, launchType);
  const cpu = num(
    td.body['cpu'],
    defs.reduce((s, c) => s + c.cpu, 0),
  );
  const memory = num(
    td.body['memory'],
    defs.reduce((s, c) => s + c.memory, 0),
  );
  return { cpu, memory };
}

/** Whether a task counts as healthy for the scheduler (RUNNING, health checks and targets passed). */
export function isHealthy(task: EcsTask): boolean {
  if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return false;
  if (task.healthStatus === 'UNHEALTHY') return false;
  // A pending container health check leaves the task UNKNOWN but not yet healthy.
  if (task.healthCheckResult !== undefined) return false;
  if (task.targetHealthyAt !== undefined && !task.targetHealthy) return false;
  // A container that is going to exit (crash fault) never lets its deployment settle: ECS would
  // see the crash loop before declaring the rollout complete.
  if (task.crashAt !== undefined) return false;
  return true;
}
