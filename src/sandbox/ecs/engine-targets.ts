/**
 * A service task's load balancer targets: the target groups its deployment uses (the service's own
 * for rolling and blue, the alternate for green), registered in the sandbox's ELBv2 when the task
 * reaches RUNNING and deregistered (draining) when it starts stopping, as ECS does.
 */
import { deregisterTaskTarget, findTargetGroup, registerTaskTarget } from '../elbv2/ports.js';
import { findTaskDef, networkModeOf, type Scope } from './engine-context.js';
import type { EcsService, EcsTask } from './model.js';
import { taskIpAddress } from './task-render.js';
import { isObject } from './util.js';

/** One target group of a task, with the container and port its load balancer mapping names. */
export interface TaskTargetGroup {
  targetGroupArn: string;
  containerName?: string;
  containerPort?: number;
}

/** The target groups of a task: its deployment's (blue/green alternates them), else the service's. */
export function targetGroupsOf(service: EcsService | undefined, task: EcsTask): TaskTargetGroup[] {
  if (!service) return [];
  // Deployment target groups are listed in the order of the service's target-group mappings.
  const mappings = service.loadBalancers.filter((lb) => typeof lb.targetGroupArn === 'string');
  const dep = service.deployments.find((d) => d.id === task.deploymentId);
  return mappings.map((lb, i) => ({
    targetGroupArn: dep?.targetGroupArns?.[i] ?? lb.targetGroupArn!,
    ...(lb.containerName !== undefined ? { containerName: lb.containerName } : {}),
    ...(lb.containerPort !== undefined ? { containerPort: lb.containerPort } : {}),
  }));
}

/** The host port of a bridge/host container port: its fixed hostPort, else one from ECS's ephemeral range. */
function hostPortOf(scope: Scope, task: EcsTask, mapping: TaskTargetGroup, port: number): number {
  const td = findTaskDef(scope.ecs, task.taskDefinitionArn);
  const mode = td ? networkModeOf(td, task.launchType) : 'bridge';
  if (mode === 'host') return port;
  const defs = td && Array.isArray(td.body.containerDefinitions) ? td.body.containerDefinitions : [];
  const def: unknown = defs.find((c: unknown) => isObject(c) && c.name === mapping.containerName);
  const pms: unknown[] = isObject(def) && Array.isArray(def.portMappings) ? def.portMappings : [];
  const pm = pms.find((p): p is Record<string, unknown> => isObject(p) && p.containerPort === port);
  if (typeof pm?.hostPort === 'number' && pm.hostPort > 0) return pm.hostPort;
  // A dynamic host port: stable for the task (derived from its id) so deregistration finds it.
  return 32768 + (parseInt(task.taskId.slice(0, 6), 16) % 28000 || 0);
}

/** The target id and port of a task in a target group: its IP for `ip` groups, its instance otherwise. */
function targetOf(
  scope: Scope,
  task: EcsTask,
  mapping: TaskTargetGroup,
): { id: string; port: number } | undefined {
  const tg = findTargetGroup(scope.rs, mapping.targetGroupArn);
  if (!tg) return undefined;
  const port = mapping.containerPort ?? tg.port;
  if (tg.targetType !== 'instance') return { id: taskIpAddress(task), port };
  const instance = task.containerInstanceArn
    ? scope.ecs.containerInstances[task.containerInstanceArn]
    : undefined;
  if (!instance) return { id: taskIpAddress(task), port };
  return { id: instance.ec2InstanceId, port: hostPortOf(scope, task, mapping, port) };
}

/** Registers a RUNNING task in its deployment's target groups; returns those groups (empty: none). */
export function registerTaskTargets(
  scope: Scope,
  service: EcsService | undefined,
  task: EcsTask,
  now: number,
): TaskTargetGroup[] {
  const groups = targetGroupsOf(service, task);
  for (const g of groups) {
    const target = targetOf(scope, task, g);
    if (target) registerTaskTarget(scope.rs, g.targetGroupArn, target, now);
  }
  return groups;
}

/** Deregisters a stopping task from its deployment's target groups (its targets drain). */
export function deregisterTaskTargets(
  scope: Scope,
  service: EcsService | undefined,
  task: EcsTask,
  now: number,
): TaskTargetGroup[] {
  const groups = targetGroupsOf(service, task);
  for (const g of groups) {
    const target = targetOf(scope, task, g);
    if (target) deregisterTaskTarget(scope.rs, g.targetGroupArn, target.id, now, target.port);
  }
  return groups;
}
