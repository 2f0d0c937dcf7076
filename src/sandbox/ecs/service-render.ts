/**
 * The Service and Deployment shapes of DescribeServices. Counts come from the deployments, which
 * the engine keeps current, so rendering never scans tasks.
 */
import { epochSeconds } from '../service.js';
import type { EcsDeployment, EcsRegion, EcsService } from './model.js';
import { currentRevisions } from './service-deployments.js';
import { clone } from './util.js';

/** One deployment as ECS returns it. */
export function renderDeployment(d: EcsDeployment): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinition,
    desiredCount: d.desiredCount,
    pendingCount: d.pendingCount,
    runningCount: d.runningCount,
    failedTasks: d.failedTasks,
    createdAt: epochSeconds(d.createdAt),
    updatedAt: epochSeconds(d.updatedAt),
  };
  if (d.capacityProviderStrategy !== undefined)
    out.capacityProviderStrategy = clone(d.capacityProviderStrategy);
  if (d.launchType !== undefined) out.launchType = d.launchType;
  if (d.platformVersion !== undefined) out.platformVersion = d.platformVersion;
  if (d.networkConfiguration !== undefined) out.networkConfiguration = clone(d.networkConfiguration);
  out.rolloutState = d.rolloutState;
  out.rolloutStateReason = d.rolloutStateReason;
  return out;
}

/** Fields of `extra` that Describe returns under the same name. */
const PASS_THROUGH = [
  'capacityProviderStrategy',
  'platformVersion',
  'platformFamily',
  'roleArn',
  'networkConfiguration',
  'enableExecuteCommand',
  'availabilityZoneRebalancing',
];

/** A service as DescribeServices returns it; tags only when asked for. */
export function renderService(svc: EcsService, withTags: boolean, ecs?: EcsRegion): Record<string, unknown> {
  let running = 0;
  let pending = 0;
  for (const d of svc.deployments) {
    running += d.runningCount;
    pending += d.pendingCount;
  }
  const x = svc.extra;
  const out: Record<string, unknown> = {
    serviceArn: svc.serviceArn,
    serviceName: svc.serviceName,
    clusterArn: svc.clusterArn,
    loadBalancers: clone(svc.loadBalancers),
    serviceRegistries: clone(x.serviceRegistries) ?? [],
    status: svc.status,
    desiredCount: svc.desiredCount,
    runningCount: running,
    pendingCount: pending,
  };
  if (svc.launchType !== undefined) out.launchType = svc.launchType;
  out.taskDefinition = svc.taskDefinition;
  out.deploymentConfiguration = clone(svc.deploymentConfiguration);
  out.deployments = svc.deployments.map(renderDeployment);
  out.events = svc.events.map((e) => ({
    id: e.id,
    createdAt: epochSeconds(e.createdAt),
    message: e.message,
  }));
  out.createdAt = epochSeconds(svc.createdAt);
  out.placementConstraints = clone(x.placementConstraints) ?? [];
  out.placementStrategy = clone(x.placementStrategy) ?? [];
  if (svc.healthCheckGracePeriodSeconds !== undefined) {
    out.healthCheckGracePeriodSeconds = svc.healthCheckGracePeriodSeconds;
  }
  out.schedulingStrategy = x.schedulingStrategy ?? 'REPLICA';
  out.deploymentController = clone(x.deploymentController) ?? { type: 'ECS' };
  out.createdBy = svc.createdBy;
  out.enableECSManagedTags = x.enableECSManagedTags ?? false;
  out.propagateTags = x.propagateTags ?? 'NONE';
  for (const f of PASS_THROUGH) if (x[f] !== undefined) out[f] = clone(x[f]);
  // Newer fields ECS knows and we only keep: returned as given.
  for (const [k, v] of Object.entries(x)) if (!(k in out) && !HIDDEN.has(k)) out[k] = clone(v);
  out.enableExecuteCommand ??= false;
  if (svc.currentServiceDeployment !== undefined) out.currentServiceDeployment = svc.currentServiceDeployment;
  if (ecs) {
    const revs = currentRevisions(ecs, svc);
    if (revs.length > 0) out.currentServiceRevisions = revs;
  }
  if (withTags) out.tags = clone(svc.tags);
  return out;
}

/** Request-only fields stored in `extra` that are not part of the Service shape. */
const HIDDEN = new Set(['role', 'clientToken', 'currentServiceDeployment', 'currentServiceRevisions']);
