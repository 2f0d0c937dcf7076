/**
 * AWS::ECS::Service, reading: the service as DescribeServices renders it, and whether the
 * deployment the handler waits for is done, failed by the circuit breaker, or still rolling.
 */
import { clusterArnOf, parseEcsArn } from '../../ecs/arns.js';
import type { ResourceRequest } from '../contracts.js';
import { callJson } from './common.js';
import { ecsAction } from './ecs-tags.js';

/** The parts of a rendered deployment the handler reads. */
export interface DeploymentView {
  id: string;
  status: string;
  rolloutState: string;
  runningCount: number;
  pendingCount: number;
}

/** The parts of a rendered service the handler reads. */
export interface ServiceView {
  serviceArn: string;
  serviceName: string;
  status: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  deployments: DeploymentView[];
  events: { message: string }[];
}

/** The cluster ARN a service ARN (`…:service/<cluster>/<name>`) belongs to. */
export function clusterOfService(request: ResourceRequest, serviceArn: string): string {
  const arn = parseEcsArn(serviceArn);
  const cluster = arn && arn.parts.length === 2 ? arn.parts[0]! : 'default';
  return clusterArnOf(request.ctx, cluster);
}

/** DescribeServices of one service; undefined when ECS does not know it (or its cluster). */
export function describeService(request: ResourceRequest, serviceArn: string): ServiceView | undefined {
  let out: Record<string, unknown>;
  try {
    out = callJson(request, ecsAction('DescribeServices'), {
      cluster: clusterOfService(request, serviceArn),
      services: [serviceArn],
    });
  } catch {
    // ClusterNotFoundException: the service went with its cluster.
    return undefined;
  }
  const list = out.services as ServiceView[] | undefined;
  return list?.[0];
}

export type Rollout = 'done' | 'failed' | 'rolling';

/**
 * Where the deployment `deploymentId` stands: done once it is the only deployment, COMPLETED,
 * with running = desired; failed when the circuit breaker failed it (even if ECS already rolled
 * back and dropped it). `follow` is the deployment to watch next (the PRIMARY when another
 * UpdateService replaced ours).
 */
export function rolloutOf(svc: ServiceView, deploymentId: string): { state: Rollout; follow: string } {
  const mine = svc.deployments.find((d) => d.id === deploymentId);
  if (mine?.rolloutState === 'FAILED') return { state: 'failed', follow: deploymentId };
  if (!mine) {
    const failed = `deployment ${deploymentId} deployment failed`;
    if (svc.events.some((e) => e.message.includes(failed))) return { state: 'failed', follow: deploymentId };
  }
  const primary = svc.deployments.find((d) => d.status === 'PRIMARY');
  const follow = mine && mine.status === 'PRIMARY' ? deploymentId : (primary?.id ?? deploymentId);
  const current = svc.deployments.find((d) => d.id === follow);
  const done =
    svc.deployments.length === 1 &&
    current !== undefined &&
    current.rolloutState === 'COMPLETED' &&
    current.runningCount === svc.desiredCount;
  return { state: done ? 'done' : 'rolling', follow };
}
