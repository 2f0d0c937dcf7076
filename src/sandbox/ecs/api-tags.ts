/** ECS tagging actions on clusters, services, task definitions, tasks and container instances. */
import { AwsError, invalidParameter, optionalStringList, requireString } from '../errors.js';
import type { CallContext, JsonHandler } from '../service.js';
import { parseEcsArn } from './arns.js';
import { mergeTags, parseTags, clone, type Tag } from './util.js';

function notFound(): AwsError {
  return new AwsError('ResourceNotFoundException', 'The specified resource could not be found.');
}

/** The tag list of the resource an ARN names; throws when the ARN is malformed or unknown. */
function tagsOf(ctx: CallContext, resourceArn: string): Tag[] {
  const arn = parseEcsArn(resourceArn);
  if (!arn) throw invalidParameter('The ARN provided is invalid.');
  if (arn.region !== ctx.region)
    throw invalidParameter('The ARN provided is not in the region of the request.');
  if (arn.account !== ctx.account.id) throw notFound();
  const ecs = ctx.regionState.ecs;
  switch (arn.type) {
    case 'cluster': {
      const c = ecs.clusters[resourceArn];
      if (!c || c.status !== 'ACTIVE') throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
      return c.tags;
    }
    case 'service': {
      const s = ecs.services[resourceArn];
      if (!s || s.status === 'INACTIVE') throw notFound();
      return s.tags;
    }
    case 'task': {
      const t = ecs.tasks[resourceArn];
      if (!t) throw notFound();
      return t.tags;
    }
    case 'task-definition': {
      const m = /^([A-Za-z0-9_-]+):(\d+)$/.exec(arn.parts.join('/'));
      const td = m ? ecs.taskDefinitions[m[1]!]?.[Number(m[2]) - 1] : undefined;
      if (!td) throw notFound();
      return td.tags;
    }
    case 'container-instance': {
      const ci = ecs.containerInstances[resourceArn];
      if (!ci) throw notFound();
      ci.tags ??= [];
      return ci.tags;
    }
    default:
      throw invalidParameter('The ARN provided is invalid.');
  }
}

const tagResource: JsonHandler = (input, ctx) => {
  const tags = tagsOf(ctx, requireString(input, 'resourceArn'));
  const add = parseTags(input);
  if (add.length === 0) throw invalidParameter('Tags cannot be empty.');
  mergeTags(tags, add);
  ctx.sandbox.changed();
  return {};
};

const untagResource: JsonHandler = (input, ctx) => {
  const tags = tagsOf(ctx, requireString(input, 'resourceArn'));
  const keys = optionalStringList(input, 'tagKeys');
  if (!keys || keys.length === 0) throw invalidParameter('TagKeys cannot be empty.');
  for (const key of keys) {
    const i = tags.findIndex((t) => t.key === key);
    if (i >= 0) tags.splice(i, 1);
  }
  ctx.sandbox.changed();
  return {};
};

const listTagsForResource: JsonHandler = (input, ctx) => {
  return { tags: clone(tagsOf(ctx, requireString(input, 'resourceArn'))) };
};

export const tagActions: Record<string, JsonHandler> = {
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};
