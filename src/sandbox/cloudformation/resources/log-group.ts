/**
 * AWS::Logs::LogGroup: the sandbox's CloudWatch Logs in the stack's account and region. Ref =
 * LogGroupName; Arn `arn:aws:logs:<region>:<account>:log-group:<name>:*`; delete removes the group
 * with its streams and events.
 */
import { logsService } from '../../logs/api.js';
import type { JsonHandler } from '../../service.js';
import type { ProgressEvent, ResourceProvider, ResourceRequest } from '../contracts.js';
import {
  callJson,
  generatedName,
  jsonAction,
  mergedTags,
  settle,
  settled,
  success,
  systemTags,
} from './common.js';
import { alreadyExists, isAwsError, serviceFailure } from './messages.js';
import { cfnTags, sameValue, stringProp, toApiInput } from './props.js';
import { CFN_TIMINGS } from './timings.js';

const TYPE = 'AWS::Logs::LogGroup';

function action(name: string): JsonHandler {
  return jsonAction(logsService, name);
}

function arnOf(request: ResourceRequest, name: string): string {
  return `arn:aws:logs:${request.ctx.region}:${request.ctx.account.id}:log-group:${name}:*`;
}

/** Logs tags are a map; CloudFormation's system tags are among them. */
function tagMap(request: ResourceRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of [
    ...mergedTags(request.stackTags, cfnTags(request.properties.Tags)),
    ...systemTags(request),
  ]) {
    out[t.Key] = t.Value;
  }
  return out;
}

/** Sets or removes the retention policy; the op that failed with its error, if one did. */
function applyRetention(request: ResourceRequest, name: string, days: unknown): ProgressEvent | undefined {
  const op = days === undefined ? 'DeleteRetentionPolicy' : 'PutRetentionPolicy';
  try {
    const input = toApiInput({
      LogGroupName: name,
      ...(days === undefined ? {} : { RetentionInDays: days }),
    });
    callJson(request, action(op), input);
    return undefined;
  } catch (e) {
    if (isAwsError(e)) return serviceFailure('CloudWatchLogs', op, e, name);
    throw e;
  }
}

function create(request: ResourceRequest): ProgressEvent {
  const done = settled(request);
  if (done) return done;
  const p = request.properties;
  const name = stringProp(p, 'LogGroupName') ?? generatedName(request.stackName, request.logicalId, 512);
  const input: Record<string, unknown> = { logGroupName: name, tags: tagMap(request) };
  const kms = stringProp(p, 'KmsKeyId');
  if (kms !== undefined) input.kmsKeyId = kms;
  const cls = stringProp(p, 'LogGroupClass');
  if (cls !== undefined) input.logGroupClass = cls;
  try {
    callJson(request, action('CreateLogGroup'), input);
  } catch (e) {
    if (isAwsError(e) && e.code === 'ResourceAlreadyExistsException')
      return alreadyExists(TYPE, 'LogGroupName', name);
    if (isAwsError(e)) return serviceFailure('CloudWatchLogs', 'CreateLogGroup', e);
    throw e;
  }
  if (p.RetentionInDays !== undefined) {
    const failure = applyRetention(request, name, p.RetentionInDays);
    if (failure) {
      // The resource failed as a whole: do not leave the group behind.
      delete request.ctx.regionState.logs.groups[name];
      request.ctx.sandbox.changed();
      return { ...failure, physicalId: undefined };
    }
  }
  return settle(CFN_TIMINGS.logGroupSeconds, name, { Arn: arnOf(request, name) });
}

function update(request: ResourceRequest): ProgressEvent {
  const done = settled(request);
  if (done) return done;
  const name = request.physicalId ?? '';
  const p = request.properties;
  if (!sameValue(p.RetentionInDays, request.previousProperties?.RetentionInDays)) {
    const failure = applyRetention(request, name, p.RetentionInDays);
    if (failure) return failure;
  }
  const group = request.ctx.regionState.logs.groups[name];
  if (group) {
    // The sandbox's Logs has no TagResource / AssociateKmsKey: set the record as they would.
    group.tags = tagMap(request);
    const kms = stringProp(p, 'KmsKeyId');
    if (kms === undefined) delete group.kmsKeyId;
    else group.kmsKeyId = kms;
    request.ctx.sandbox.changed();
  }
  return settle(CFN_TIMINGS.logGroupSeconds, name, { Arn: arnOf(request, name) });
}

function remove(request: ResourceRequest): ProgressEvent {
  const done = settled(request);
  if (done) return done;
  const name = request.physicalId;
  if (!name) return success();
  try {
    callJson(request, action('DeleteLogGroup'), { logGroupName: name });
  } catch (e) {
    if (isAwsError(e) && e.code === 'ResourceNotFoundException') return success(name);
    if (isAwsError(e)) return serviceFailure('CloudWatchLogs', 'DeleteLogGroup', e, name);
    throw e;
  }
  return settle(CFN_TIMINGS.deleteSeconds, name);
}

/** The provider. */
export const logGroupProvider: ResourceProvider = {
  type: TYPE,
  replaceOn: ['LogGroupName'],
  attributes: ['Arn'],
  nameProperty: 'LogGroupName',
  systemTags: true,
  iam: false,
  create,
  update,
  delete: remove,
};
