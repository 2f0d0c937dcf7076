/**
 * Task placement on EC2 container instances: remaining cpu and memory, fixed host ports, and a
 * spread across instances. Fargate needs no placement.
 */
import type { EngineCtx, InstanceUsage, Scope } from './engine-context.js';
import type { UnablePlaceReason } from './engine-events.js';
import type { EcsContainerInstance, EcsTask } from './model.js';

/** What one task needs from an instance. */
export interface Requirement {
  cpu: number;
  memory: number;
  ports: number[];
  /** The task group (service:<name> or family:<family>): spread is per group first. */
  group: string;
}

type ResourceKind = 'RESOURCE:CPU' | 'RESOURCE:MEMORY' | 'RESOURCE:PORTS';

export type Placement =
  { ok: true; instance: EcsContainerInstance } | { ok: false; reason: UnablePlaceReason };

/** ACTIVE container instances of a cluster, in a stable order. */
export function clusterInstances(scope: Scope, clusterArn: string): EcsContainerInstance[] {
  const out: EcsContainerInstance[] = [];
  for (const ci of Object.values(scope.ecs.containerInstances)) {
    if (ci.clusterArn === clusterArn && ci.status === 'ACTIVE') out.push(ci);
  }
  return out;
}

function bump(m: Map<string | number, number>, k: string | number, by: number): void {
  const n = (m.get(k) ?? 0) + by;
  if (n <= 0) m.delete(k);
  else m.set(k, n);
}

/** Adds (by = 1) or removes (by = -1) a live task's reservation on its instance. */
export function trackUsage(usage: Map<string, InstanceUsage>, task: EcsTask, by: 1 | -1): void {
  const arn = task.containerInstanceArn;
  if (!arn) return;
  let u = usage.get(arn);
  if (!u) usage.set(arn, (u = { cpu: 0, memory: 0, ports: new Map(), tasks: 0, groups: new Map() }));
  u.cpu += by * (Number(task.cpu ?? 0) || 0);
  u.memory += by * (Number(task.memory ?? 0) || 0);
  u.tasks += by;
  for (const p of task.hostPorts) bump(u.ports as Map<string | number, number>, p, by);
  bump(u.groups as Map<string | number, number>, task.group, by);
  if (u.tasks <= 0) usage.delete(arn);
}

const EMPTY: InstanceUsage = { cpu: 0, memory: 0, ports: new Map(), tasks: 0, groups: new Map() };

/**
 * Picks an instance for one task: among those with room, the one running the fewest tasks of
 * the same group, then the fewest tasks overall. When none fits, names the closest match.
 */
export function placeOnInstances(
  ctx: EngineCtx,
  instances: EcsContainerInstance[],
  req: Requirement,
): Placement {
  if (instances.length === 0) return { ok: false, reason: { kind: 'NO_INSTANCES' } };
  let best: { ci: EcsContainerInstance; same: number; tasks: number } | undefined;
  let closest: { misses: number; reason: UnablePlaceReason } | undefined;
  for (const ci of instances) {
    const u = ctx.usageByInstance.get(ci.containerInstanceArn) ?? EMPTY;
    const misses: ResourceKind[] = [];
    if (u.cpu + req.cpu > ci.cpu) misses.push('RESOURCE:CPU');
    if (u.memory + req.memory > ci.memory) misses.push('RESOURCE:MEMORY');
    if (req.ports.some((p) => u.ports.has(p))) misses.push('RESOURCE:PORTS');
    if (misses.length === 0) {
      const same = u.groups.get(req.group) ?? 0;
      if (!best || same < best.same || (same === best.same && u.tasks < best.tasks))
        best = { ci, same, tasks: u.tasks };
    } else if (!closest || misses.length < closest.misses) {
      closest = { misses: misses.length, reason: { kind: misses[0]!, instanceArn: ci.containerInstanceArn } };
    }
  }
  if (best) return { ok: true, instance: best.ci };
  return { ok: false, reason: closest!.reason };
}
