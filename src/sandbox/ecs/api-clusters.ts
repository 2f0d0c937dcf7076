/** ECS cluster actions: CreateCluster, DescribeClusters, ListClusters, DeleteCluster. */
import { AwsError, invalidParameter, optionalString, optionalStringList, requireString } from '../errors.js';
import type { CallContext, JsonHandler } from '../service.js';
import { clusterArnOf, clusterRefToArn, DEFAULT_CLUSTER, resolveCluster } from './arns.js';
import type { EcsCluster } from './model.js';
import { paginate } from './pagination.js';
import { isPending } from './resources.js';
import { clone, parseInclude, parseTags, type Failure } from './util.js';

/** CreateCluster fields kept verbatim in `extra` and returned on describe. */
const EXTRA_FIELDS = [
  'settings',
  'configuration',
  'capacityProviders',
  'defaultCapacityProviderStrategy',
  'serviceConnectDefaults',
];

/** The Cluster shape with its live counts; tags and settings only when asked for (as ECS does). */
export function renderCluster(
  ctx: CallContext,
  cluster: EcsCluster,
  include: Set<string>,
): Record<string, unknown> {
  const ecs = ctx.regionState.ecs;
  let instances = 0;
  for (const ci of Object.values(ecs.containerInstances)) {
    if (ci.clusterArn === cluster.clusterArn && ci.status !== 'INACTIVE') instances++;
  }
  let running = 0;
  let pending = 0;
  for (const t of Object.values(ecs.tasks)) {
    if (t.clusterArn !== cluster.clusterArn) continue;
    if (t.lastStatus === 'RUNNING') running++;
    else if (isPending(t)) pending++;
  }
  let services = 0;
  for (const s of Object.values(ecs.services)) {
    if (s.clusterArn === cluster.clusterArn && s.status === 'ACTIVE') services++;
  }
  const out: Record<string, unknown> = {
    clusterArn: cluster.clusterArn,
    clusterName: cluster.clusterName,
    status: cluster.status,
    registeredContainerInstancesCount: instances,
    runningTasksCount: running,
    pendingTasksCount: pending,
    activeServicesCount: services,
    statistics: [],
    capacityProviders: clone(cluster.extra.capacityProviders) ?? [],
    defaultCapacityProviderStrategy: clone(cluster.extra.defaultCapacityProviderStrategy) ?? [],
  };
  if (include.has('TAGS')) out.tags = clone(cluster.tags);
  if (include.has('SETTINGS')) {
    out.settings = clone(cluster.extra.settings) ?? [{ name: 'containerInsights', value: 'disabled' }];
  }
  if (include.has('CONFIGURATIONS') && cluster.extra.configuration !== undefined) {
    out.configuration = clone(cluster.extra.configuration);
  }
  if (include.has('ATTACHMENTS')) out.attachments = [];
  if (cluster.extra.serviceConnectDefaults !== undefined) {
    out.serviceConnectDefaults = clone(cluster.extra.serviceConnectDefaults);
  }
  return out;
}

/** Creates (or reactivates) a cluster; an ACTIVE one of that name is returned unchanged. */
export function createCluster(
  ctx: Pick<CallContext, 'region' | 'account' | 'regionState'>,
  name: string,
  now: number,
  input: Record<string, unknown> = {},
): EcsCluster {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
    throw invalidParameter(
      'Cluster name should be up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores.',
    );
  }
  const arn = clusterArnOf(ctx, name);
  const existing = ctx.regionState.ecs.clusters[arn];
  if (existing?.status === 'ACTIVE') return existing;
  const extra: Record<string, unknown> = {};
  for (const f of EXTRA_FIELDS) if (input[f] !== undefined) extra[f] = clone(input[f]);
  const cluster: EcsCluster = {
    clusterName: name,
    clusterArn: arn,
    status: 'ACTIVE',
    createdAt: now,
    tags: parseTags(input),
    extra,
  };
  ctx.regionState.ecs.clusters[arn] = cluster;
  return cluster;
}

const createClusterAction: JsonHandler = (input, ctx) => {
  const name = optionalString(input, 'clusterName') ?? DEFAULT_CLUSTER;
  const cluster = createCluster(ctx, name, ctx.now, input);
  ctx.sandbox.changed();
  return { cluster: renderCluster(ctx, cluster, new Set(['TAGS', 'SETTINGS', 'CONFIGURATIONS'])) };
};

const describeClusters: JsonHandler = (input, ctx) => {
  const refs = optionalStringList(input, 'clusters') ?? [DEFAULT_CLUSTER];
  if (refs.length > 100) throw invalidParameter('Clusters cannot have more than 100 elements.');
  const include = parseInclude(input, ['ATTACHMENTS', 'CONFIGURATIONS', 'SETTINGS', 'STATISTICS', 'TAGS']);
  const clusters: Record<string, unknown>[] = [];
  const failures: Failure[] = [];
  for (const ref of refs) {
    let arn: string;
    try {
      arn = clusterRefToArn(ctx, ref);
    } catch (e) {
      if (e instanceof AwsError && e.code === 'ClusterNotFoundException') {
        failures.push({ arn: ref, reason: 'MISSING' });
        continue;
      }
      throw e;
    }
    const cluster = ctx.regionState.ecs.clusters[arn];
    if (cluster) clusters.push(renderCluster(ctx, cluster, include));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { clusters, failures };
};

const listClusters: JsonHandler = (input, ctx) => {
  const arns = Object.values(ctx.regionState.ecs.clusters)
    .filter((c) => c.status === 'ACTIVE')
    .map((c) => c.clusterArn)
    .sort();
  const page = paginate(arns, (a) => a, input, { defaultMax: 100, max: 100 });
  return { clusterArns: page.items, nextToken: page.nextToken };
};

const deleteCluster: JsonHandler = (input, ctx) => {
  const cluster = resolveCluster(ctx, requireString(input, 'cluster'));
  const ecs = ctx.regionState.ecs;
  const arn = cluster.clusterArn;
  if (Object.values(ecs.containerInstances).some((ci) => ci.clusterArn === arn && ci.status !== 'INACTIVE')) {
    throw new AwsError(
      'ClusterContainsContainerInstancesException',
      'The Cluster cannot be deleted while Container Instances are active or draining.',
    );
  }
  if (Object.values(ecs.services).some((s) => s.clusterArn === arn && s.status !== 'INACTIVE')) {
    throw new AwsError(
      'ClusterContainsServicesException',
      'The Cluster cannot be deleted while Services are active.',
    );
  }
  if (Object.values(ecs.tasks).some((t) => t.clusterArn === arn && t.lastStatus !== 'STOPPED')) {
    throw new AwsError(
      'ClusterContainsTasksException',
      'The Cluster cannot be deleted while Tasks are active.',
    );
  }
  cluster.status = 'INACTIVE';
  ctx.sandbox.changed();
  return { cluster: renderCluster(ctx, cluster, new Set()) };
};

export const clusterActions: Record<string, JsonHandler> = {
  CreateCluster: createClusterAction,
  DescribeClusters: describeClusters,
  ListClusters: listClusters,
  DeleteCluster: deleteCluster,
};
