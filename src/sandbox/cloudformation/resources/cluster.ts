/**
 * AWS::ECS::Cluster: CreateCluster through the sandbox's ECS (Ref = name, Arn attribute); the
 * sandbox has no UpdateCluster, so settings and capacity providers are set on the cluster record.
 */
import { clusterArnOf } from '../../ecs/arns.js';
import { AwsError } from '../../errors.js';
import type { ProgressEvent, ResourceProvider, ResourceRequest } from '../contracts.js';
import {
  callJson,
  generatedName,
  inProgress,
  mergedTags,
  settle,
  settled,
  success,
  systemTags,
} from './common.js';
import { ecsAction, syncEcsTags } from './ecs-tags.js';
import { alreadyExists, isAwsError, serviceFailure } from './messages.js';
import { apiName, cfnTags, stringProp, toApiInput } from './props.js';
import { CFN_TIMINGS } from './timings.js';

const TYPE = 'AWS::ECS::Cluster';
/** Properties kept on the cluster record as CreateCluster keeps them. */
const SETTINGS = [
  'ClusterSettings',
  'Configuration',
  'CapacityProviders',
  'DefaultCapacityProviderStrategy',
  'ServiceConnectDefaults',
];

function create(request: ResourceRequest): ProgressEvent {
  const done = settled(request);
  if (done) return done;
  const name =
    stringProp(request.properties, 'ClusterName') ?? generatedName(request.stackName, request.logicalId, 255);
  const arn = clusterArnOf(request.ctx, name);
  // ECS's CreateCluster returns an existing cluster; CloudFormation does not adopt it.
  if (request.ctx.regionState.ecs.clusters[arn]?.status === 'ACTIVE')
    return alreadyExists(TYPE, 'ClusterName', name);
  const { Tags, ...rest } = request.properties;
  const input: Record<string, unknown> = { ...toApiInput(rest), clusterName: name };
  const tags = mergedTags(request.stackTags, cfnTags(Tags));
  if (tags.length > 0) input.tags = tags.map((t) => ({ key: t.Key, value: t.Value }));
  try {
    callJson(request, ecsAction('CreateCluster'), input);
  } catch (e) {
    if (isAwsError(e)) return serviceFailure('Ecs', 'CreateCluster', e);
    throw e;
  }
  const cluster = request.ctx.regionState.ecs.clusters[arn];
  if (cluster) {
    // ECS refuses aws: tags from callers; CloudFormation sets its own.
    for (const t of systemTags(request)) cluster.tags.push({ key: t.Key, value: t.Value });
    request.ctx.sandbox.changed();
  }
  return settle(CFN_TIMINGS.clusterSeconds, name, { Arn: arn });
}

function update(request: ResourceRequest): ProgressEvent {
  const done = settled(request);
  if (done) return done;
  const name = request.physicalId ?? '';
  const arn = clusterArnOf(request.ctx, name);
  const cluster = request.ctx.regionState.ecs.clusters[arn];
  if (!cluster || cluster.status !== 'ACTIVE') {
    return serviceFailure(
      'Ecs',
      'UpdateCluster',
      new AwsError('ClusterNotFoundException', 'Cluster not found.'),
      name,
    );
  }
  for (const p of SETTINGS) {
    const v = request.properties[p];
    if (v === undefined) delete cluster.extra[apiName(p)];
    else Object.assign(cluster.extra, toApiInput({ [p]: v }));
  }
  request.ctx.sandbox.changed();
  const failure = syncEcsTags(request, arn, mergedTags(request.stackTags, cfnTags(request.properties.Tags)));
  if (failure) return failure;
  return settle(CFN_TIMINGS.clusterSeconds, name, { Arn: arn });
}

function remove(request: ResourceRequest): ProgressEvent {
  const done = settled(request);
  if (done) return done;
  const name = request.physicalId;
  if (!name) return success();
  const since =
    typeof request.context?.since === 'number' ? request.context.since : request.ctx.sandbox.now();
  try {
    callJson(request, ecsAction('DeleteCluster'), { cluster: name });
  } catch (e) {
    if (!isAwsError(e)) throw e;
    if (e.code === 'ClusterNotFoundException') return success(name);
    // Tasks of a just-deleted service may still be stopping: try again for a while.
    const waited = request.ctx.sandbox.now() - since;
    if (/^ClusterContains/.test(e.code) && waited < CFN_TIMINGS.clusterDeleteRetrySeconds * 1000) {
      return inProgress(CFN_TIMINGS.servicePollSeconds, { step: 'retry', since }, name);
    }
    return serviceFailure('Ecs', 'DeleteCluster', e, name);
  }
  return settle(CFN_TIMINGS.deleteSeconds, name);
}

/** The provider. */
export const clusterProvider: ResourceProvider = {
  type: TYPE,
  replaceOn: ['ClusterName'],
  attributes: ['Arn'],
  nameProperty: 'ClusterName',
  systemTags: true,
  iam: false,
  create,
  update,
  delete: remove,
};
