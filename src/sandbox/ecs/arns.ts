/**
 * ECS ARNs and the lookups that accept "name or ARN": clusters, services, tasks, container
 * instances. Every failure is an AwsError shaped as ECS answers it.
 */
import { AwsError, invalidParameter } from '../errors.js';
import type { CallContext } from '../service.js';
import type { EcsCluster, EcsService } from './model.js';

export const DEFAULT_CLUSTER = 'default';

/** Where an ARN lives: a CallContext, or an account and region given by the admin API. */
export interface ArnScope {
  region: string;
  account: { id: string };
}

/** `arn:aws:ecs:<region>:<account>:` for the caller. */
export function arnPrefix(ctx: ArnScope): string {
  return `arn:aws:ecs:${ctx.region}:${ctx.account.id}:`;
}

export function clusterArnOf(ctx: ArnScope, name: string): string {
  return `${arnPrefix(ctx)}cluster/${name}`;
}

export function serviceArnOf(ctx: ArnScope, clusterName: string, serviceName: string): string {
  return `${arnPrefix(ctx)}service/${clusterName}/${serviceName}`;
}

export function taskArnOf(ctx: ArnScope, clusterName: string, taskId: string): string {
  return `${arnPrefix(ctx)}task/${clusterName}/${taskId}`;
}

export function containerInstanceArnOf(ctx: ArnScope, clusterName: string, id: string): string {
  return `${arnPrefix(ctx)}container-instance/${clusterName}/${id}`;
}

export function taskDefinitionArnOf(ctx: ArnScope, family: string, revision: number): string {
  return `${arnPrefix(ctx)}task-definition/${family}:${revision}`;
}

/** The last path segment of a cluster ARN (`.../cluster/<name>`). */
export function clusterNameOfArn(arn: string): string {
  return arn.slice(arn.indexOf(':cluster/') + ':cluster/'.length);
}

export interface ParsedArn {
  region: string;
  account: string;
  /** e.g. cluster, service, task, task-definition, container-instance. */
  type: string;
  /** Everything after `<type>/`, split on `/`. */
  parts: string[];
}

/** Parses an ECS ARN, or returns undefined when `s` is not one. */
export function parseEcsArn(s: string): ParsedArn | undefined {
  const m = /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):(\d{12}):([a-z-]+)\/(.+)$/.exec(s);
  if (!m) return undefined;
  return { region: m[1]!, account: m[2]!, type: m[3]!, parts: m[4]!.split('/') };
}

/**
 * Checks an ARN given as a reference: its type, its region (a mismatch is a client error in ECS)
 * and its account (another account's resource simply is not visible: `notFound`).
 */
function checkArn(ctx: CallContext, ref: string, type: string, notFound: () => AwsError): ParsedArn {
  const arn = parseEcsArn(ref);
  if (!arn || arn.type !== type)
    throw invalidParameter(`Invalid identifier: ${ref} is not a valid ${type} ARN.`);
  if (arn.region !== ctx.region) {
    throw invalidParameter(
      `The region in the ARN (${arn.region}) does not match the region of the request (${ctx.region}).`,
    );
  }
  if (arn.account !== ctx.account.id) throw notFound();
  return arn;
}

export function clusterNotFound(): AwsError {
  return new AwsError('ClusterNotFoundException', 'Cluster not found.');
}

export function serviceNotFound(): AwsError {
  return new AwsError('ServiceNotFoundException', 'Service not found.');
}

/** The ARN a cluster reference (name, ARN or undefined = default) names, without checking existence. */
export function clusterRefToArn(ctx: CallContext, ref: string | undefined): string {
  if (ref === undefined || ref === '') return clusterArnOf(ctx, DEFAULT_CLUSTER);
  if (ref.startsWith('arn:')) {
    const arn = checkArn(ctx, ref, 'cluster', clusterNotFound);
    if (arn.parts.length !== 1)
      throw invalidParameter(`Invalid identifier: ${ref} is not a valid cluster ARN.`);
    return ref;
  }
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(ref)) throw clusterNotFound();
  return clusterArnOf(ctx, ref);
}

/** The ACTIVE cluster a request names (default cluster when omitted), or ClusterNotFoundException. */
export function resolveCluster(ctx: CallContext, ref: unknown): EcsCluster {
  if (ref !== undefined && ref !== null && typeof ref !== 'string')
    throw invalidParameter('cluster must be a string.');
  const arn = clusterRefToArn(ctx, ref ?? undefined);
  const cluster = ctx.regionState.ecs.clusters[arn];
  if (!cluster || cluster.status !== 'ACTIVE') throw clusterNotFound();
  return cluster;
}

/** The service ARN a reference (name or ARN) denotes within `cluster`. */
export function serviceRefToArn(ctx: CallContext, cluster: EcsCluster, ref: string): string {
  if (ref.startsWith('arn:')) {
    const arn = checkArn(ctx, ref, 'service', serviceNotFound);
    // Old-format ARNs (service/<name>) are read as belonging to the cluster of the request.
    const name = arn.parts.length === 1 ? arn.parts[0]! : arn.parts[1]!;
    if (arn.parts.length === 2 && arn.parts[0] !== cluster.clusterName) return ref;
    return serviceArnOf(ctx, cluster.clusterName, name);
  }
  return serviceArnOf(ctx, cluster.clusterName, ref);
}

/** The service a reference names in `cluster`, whatever its status; ServiceNotFoundException if none. */
export function findService(ctx: CallContext, cluster: EcsCluster, ref: unknown): EcsService {
  if (typeof ref !== 'string' || ref === '')
    throw invalidParameter('service is required and must be a non-empty string.');
  const svc = ctx.regionState.ecs.services[serviceRefToArn(ctx, cluster, ref)];
  if (!svc) throw serviceNotFound();
  return svc;
}

/** The task ARN a reference (id or ARN) denotes within `cluster`. */
export function taskRefToArn(ctx: CallContext, cluster: EcsCluster, ref: string): string {
  if (ref.startsWith('arn:')) {
    const arn = checkArn(ctx, ref, 'task', () => invalidParameter('The referenced task was not found.'));
    const id = arn.parts[arn.parts.length - 1]!;
    return taskArnOf(ctx, arn.parts.length === 2 ? arn.parts[0]! : cluster.clusterName, id);
  }
  return taskArnOf(ctx, cluster.clusterName, ref);
}

/** The container instance ARN a reference (id or ARN) denotes within `cluster`. */
export function containerInstanceRefToArn(ctx: CallContext, cluster: EcsCluster, ref: string): string {
  if (ref.startsWith('arn:')) {
    const arn = checkArn(ctx, ref, 'container-instance', () =>
      invalidParameter('The referenced container instance was not found.'),
    );
    const id = arn.parts[arn.parts.length - 1]!;
    return containerInstanceArnOf(ctx, arn.parts.length === 2 ? arn.parts[0]! : cluster.clusterName, id);
  }
  return containerInstanceArnOf(ctx, cluster.clusterName, ref);
}
