/**
 * The service-deployment APIs (BLUE_GREEN, LINEAR, CANARY and ROLLING alike): find our service
 * deployment, describe many at once (20 ARNs a call), and act on one (continue a PAUSE hook, stop
 * or roll back). Converts the SDK's shapes into the strategy judge's snapshots.
 */
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  type ECSClient,
  type Service,
  type ServiceDeployment,
  type ServiceRevisionSummary,
} from '@aws-sdk/client-ecs';
import type { RevisionSnapshot, ServiceDeploymentSnapshot } from '../core/rollout/service-deployment.js';
import { strategyOf } from '../core/rollout/strategy.js';

/** DescribeServiceDeployments takes at most this many ARNs per call. */
export const DESCRIBE_SERVICE_DEPLOYMENTS_MAX = 20;

/** Statuses of a deployment still going on. */
export const ONGOING_STATUSES = [
  'PENDING',
  'IN_PROGRESS',
  'STOP_REQUESTED',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
] as const;

function revision(r: ServiceRevisionSummary): RevisionSnapshot {
  return {
    arn: r.arn ?? '',
    requested: r.requestedTaskCount ?? 0,
    running: r.runningTaskCount ?? 0,
    pending: r.pendingTaskCount ?? 0,
    ...(r.requestedTestTrafficWeight !== undefined ? { testWeight: r.requestedTestTrafficWeight } : {}),
    ...(r.requestedProductionTrafficWeight !== undefined
      ? { productionWeight: r.requestedProductionTrafficWeight }
      : {}),
  };
}

/** A service deployment as the strategy judge sees it. */
export function toServiceDeploymentSnapshot(d: ServiceDeployment): ServiceDeploymentSnapshot {
  return {
    arn: d.serviceDeploymentArn ?? '',
    status: d.status ?? 'PENDING',
    ...(d.statusReason ? { statusReason: d.statusReason } : {}),
    ...(d.lifecycleStage ? { stage: d.lifecycleStage } : {}),
    strategy: strategyOf(d.deploymentConfiguration?.strategy),
    ...(d.targetServiceRevision ? { target: revision(d.targetServiceRevision) } : {}),
    sources: (d.sourceServiceRevisions ?? []).map(revision),
    hooks: (d.lifecycleHookDetails ?? []).map((h) => ({
      hookId: h.hookId ?? '',
      targetType: h.targetType ?? 'AWS_LAMBDA',
      ...(h.targetArn ? { targetArn: h.targetArn } : {}),
      status: h.status ?? 'IN_PROGRESS',
      ...(h.expiresAt ? { expiresAt: h.expiresAt.getTime() } : {}),
      ...(h.timeoutAction ? { timeoutAction: h.timeoutAction } : {}),
    })),
    ...(d.rollback?.reason ? { rollbackReason: d.rollback.reason } : {}),
    triggeredAlarms: d.alarms?.triggeredAlarmNames ?? [],
  };
}

/** Describes service deployments by ARN, 20 per call; ARNs ECS does not know are absent from the map. */
export async function describeServiceDeployments(
  ecs: ECSClient,
  arns: readonly string[],
): Promise<Map<string, ServiceDeployment>> {
  const out = new Map<string, ServiceDeployment>();
  const unique = [...new Set(arns)];
  for (let i = 0; i < unique.length; i += DESCRIBE_SERVICE_DEPLOYMENTS_MAX) {
    const res = await ecs.send(
      new DescribeServiceDeploymentsCommand({
        serviceDeploymentArns: unique.slice(i, i + DESCRIBE_SERVICE_DEPLOYMENTS_MAX),
      }),
    );
    for (const d of res.serviceDeployments ?? [])
      if (d.serviceDeploymentArn) out.set(d.serviceDeploymentArn, d);
  }
  return out;
}

/**
 * The ARN of the service deployment an UpdateService just made: the service's
 * `currentServiceDeployment`, else the newest ongoing one ListServiceDeployments shows.
 */
export async function ourServiceDeploymentArn(
  ecs: ECSClient,
  cluster: string,
  service: Service,
): Promise<string | undefined> {
  if (service.currentServiceDeployment) return service.currentServiceDeployment;
  const res = await ecs.send(
    new ListServiceDeploymentsCommand({
      cluster,
      service: service.serviceName ?? service.serviceArn ?? '',
      status: [...ONGOING_STATUSES],
    }),
  );
  const newest = [...(res.serviceDeployments ?? [])].sort(
    (a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0),
  )[0];
  return newest?.serviceDeploymentArn;
}

/** The newest ongoing service deployment of a service (for `continue` and `rollback`), if any. */
export async function ongoingServiceDeployment(
  ecs: ECSClient,
  cluster: string,
  service: string,
): Promise<ServiceDeployment | undefined> {
  const res = await ecs.send(
    new ListServiceDeploymentsCommand({ cluster, service, status: [...ONGOING_STATUSES] }),
  );
  const arns = (res.serviceDeployments ?? [])
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))
    .map((d) => d.serviceDeploymentArn)
    .filter((a): a is string => !!a);
  if (arns.length === 0) return undefined;
  return (await describeServiceDeployments(ecs, arns.slice(0, 1))).get(arns[0]!);
}

/**
 * The task definition of each service revision (DescribeServiceRevisions, 20 ARNs a call): what a
 * deployment we did not start (`continue`, `rollback`) replaces and deploys. Unknown ARNs are absent.
 */
export async function revisionTaskDefinitions(
  ecs: ECSClient,
  arns: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(arns.filter((a) => a))];
  for (let i = 0; i < unique.length; i += DESCRIBE_SERVICE_DEPLOYMENTS_MAX) {
    const res = await ecs.send(
      new DescribeServiceRevisionsCommand({
        serviceRevisionArns: unique.slice(i, i + DESCRIBE_SERVICE_DEPLOYMENTS_MAX),
      }),
    );
    for (const r of res.serviceRevisions ?? [])
      if (r.serviceRevisionArn && r.taskDefinition) out.set(r.serviceRevisionArn, r.taskDefinition);
  }
  return out;
}

/** Answers a PAUSE hook: ContinueServiceDeployment with CONTINUE or ROLLBACK. */
export async function answerHook(
  ecs: ECSClient,
  serviceDeploymentArn: string,
  hookId: string,
  action: 'CONTINUE' | 'ROLLBACK',
): Promise<void> {
  await ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn, hookId, action }));
}

/** StopServiceDeployment: ROLLBACK (what the docs allow) or ABORT. */
export async function stopServiceDeployment(
  ecs: ECSClient,
  serviceDeploymentArn: string,
  stopType: 'ROLLBACK' | 'ABORT',
): Promise<void> {
  await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn, stopType }));
}
