/** Brings an ECS resource's user tags to the wanted set (aws:* tags are CloudFormation's and stay). */
import { ecsService } from '../../ecs/api.js';
import type { ProgressEvent, ResourceRequest } from '../contracts.js';
import type { JsonHandler } from '../../service.js';
import { callJson, jsonAction } from './common.js';
import { isAwsError, serviceFailure } from './messages.js';

/** The ECS action `name`, counted in the call statistics. */
export function ecsAction(name: string): JsonHandler {
  return jsonAction(ecsService, name);
}

/** Tags and untags `arn` so its non-aws: tags equal `wanted`; a FAILED event on an ECS error. */
export function syncEcsTags(
  request: ResourceRequest,
  arn: string,
  wanted: { Key: string; Value: string }[],
): ProgressEvent | undefined {
  let op = 'ListTagsForResource';
  try {
    const out = callJson(request, ecsAction(op), { resourceArn: arn });
    const current = (out.tags as { key: string; value: string }[]).filter((t) => !t.key.startsWith('aws:'));
    const stale = current.filter((t) => !wanted.some((w) => w.Key === t.key)).map((t) => t.key);
    const changed = wanted.filter((w) => !current.some((t) => t.key === w.Key && t.value === w.Value));
    if (stale.length > 0) {
      op = 'UntagResource';
      callJson(request, ecsAction(op), { resourceArn: arn, tagKeys: stale });
    }
    if (changed.length > 0) {
      op = 'TagResource';
      callJson(request, ecsAction(op), {
        resourceArn: arn,
        tags: changed.map((t) => ({ key: t.Key, value: t.Value })),
      });
    }
    return undefined;
  } catch (e) {
    if (isAwsError(e)) return serviceFailure('Ecs', op, e, arn);
    throw e;
  }
}
