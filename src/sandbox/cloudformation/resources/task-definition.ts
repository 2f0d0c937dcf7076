/**
 * AWS::ECS::TaskDefinition: RegisterTaskDefinition through the sandbox's ECS (so every ECS rule
 * applies); any property change but Tags is a replacement (a new revision); delete deregisters.
 */
import { findTaskDefinition } from '../../ecs/api-taskdefs.js';
import type { ProgressEvent, ResourceProvider, ResourceRequest } from '../contracts.js';
import {
  callContext,
  callJson,
  generatedName,
  mergedTags,
  settle,
  settled,
  success,
  systemTags,
} from './common.js';
import { ecsAction as action, syncEcsTags } from './ecs-tags.js';
import { isAwsError, serviceFailure } from './messages.js';
import { cfnTags, stringProp, toApiInput } from './props.js';
import { CFN_TIMINGS } from './timings.js';

const TYPE = 'AWS::ECS::TaskDefinition';

function create(request: ResourceRequest): ProgressEvent {
  const done = settled(request);
  if (done) return done;
  const { Tags, ...rest } = request.properties;
  const input = toApiInput(rest);
  // Without a Family, CloudFormation names it as it names other resources.
  input.family =
    stringProp(request.properties, 'Family') ?? generatedName(request.stackName, request.logicalId, 255);
  const tags = mergedTags(request.stackTags, cfnTags(Tags));
  if (tags.length > 0) input.tags = tags.map((t) => ({ key: t.Key, value: t.Value }));
  let arn: string;
  try {
    const out = callJson(request, action('RegisterTaskDefinition'), input);
    arn = String((out.taskDefinition as Record<string, unknown>).taskDefinitionArn);
  } catch (e) {
    if (isAwsError(e)) return serviceFailure('Ecs', 'RegisterTaskDefinition', e);
    throw e;
  }
  // ECS refuses aws: tags from callers; CloudFormation is AWS and sets its own.
  const td = findTaskDefinition(callContext(request), arn);
  if (td) {
    for (const t of systemTags(request)) td.tags.push({ key: t.Key, value: t.Value });
    request.ctx.sandbox.changed();
  }
  return settle(CFN_TIMINGS.taskDefinitionSeconds, arn, { TaskDefinitionArn: arn });
}

function update(request: ResourceRequest): ProgressEvent {
  const done = settled(request);
  if (done) return done;
  const arn = request.physicalId ?? '';
  // Only Tags update in place (every other property is in replaceOn).
  const failure = syncEcsTags(request, arn, mergedTags(request.stackTags, cfnTags(request.properties.Tags)));
  if (failure) return failure;
  return settle(CFN_TIMINGS.taskDefinitionSeconds, arn, { TaskDefinitionArn: arn });
}

function remove(request: ResourceRequest): ProgressEvent {
  const done = settled(request);
  if (done) return done;
  const arn = request.physicalId;
  if (!arn) return success();
  try {
    callJson(request, action('DeregisterTaskDefinition'), { taskDefinition: arn });
  } catch (e) {
    // Already gone is what delete wants.
    if (isAwsError(e) && /does not exist/.test(e.message)) return success(arn);
    if (isAwsError(e)) return serviceFailure('Ecs', 'DeregisterTaskDefinition', e, arn);
    throw e;
  }
  return settle(CFN_TIMINGS.deleteSeconds, arn);
}

/** The provider (no nameProperty: a replacement keeps the Family and adds a revision). */
export const taskDefinitionProvider: ResourceProvider = {
  type: TYPE,
  replaceOn: [
    'Family',
    'ContainerDefinitions',
    'Cpu',
    'Memory',
    'ExecutionRoleArn',
    'TaskRoleArn',
    'NetworkMode',
    'RequiresCompatibilities',
    'RuntimePlatform',
    'Volumes',
    'PlacementConstraints',
    'ProxyConfiguration',
    'PidMode',
    'IpcMode',
    'EphemeralStorage',
    'InferenceAccelerators',
    'EnableFaultInjection',
  ],
  attributes: ['TaskDefinitionArn'],
  systemTags: true,
  iam: false,
  create,
  update,
  delete: remove,
};
