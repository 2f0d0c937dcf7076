/**
 * SSM Parameter Store (JSON 1.1, target prefix AmazonSSM): put, get, delete and tag parameters.
 * The listing calls (by path, describe, history) are in api-list.ts.
 */
import { AwsError } from '../errors.js';
import type { CallContext, JsonInput, JsonService } from '../service.js';
import { describeParameters, getParameterHistory, getParametersByPath } from './api-list.js';
import { mergeTags, optBool, optStr, reqStr, reqStrList, tagList } from './input.js';
import { ssmOf, type SsmParameter } from './model.js';
import { parseRef } from './names.js';
import { findParameter, parameterNotFound, parameterOut, putParameter, versionOf } from './store.js';

/** AWS's limit of tags on one resource. */
const MAX_TAGS = 50;

function putParameterAction(input: JsonInput, ctx: CallContext): unknown {
  const value = input.Value;
  if (typeof value !== 'string') {
    throw new AwsError(
      'ValidationException',
      "1 validation error detected: Value null at 'value' failed to satisfy constraint: Member must not be null",
    );
  }
  const tags = tagList(input, 'Tags');
  if (tags && tags.length > MAX_TAGS) {
    throw new AwsError('TooManyTagsError', `The Tags parameter can contain at most ${MAX_TAGS} tags.`);
  }
  const v = putParameter(
    ssmOf(ctx.regionState),
    {
      name: reqStr(input, 'Name'),
      value,
      type: optStr(input, 'Type'),
      keyId: optStr(input, 'KeyId'),
      description: optStr(input, 'Description'),
      allowedPattern: optStr(input, 'AllowedPattern'),
      overwrite: optBool(input, 'Overwrite') ?? false,
      tags,
      tier: optStr(input, 'Tier'),
      dataType: optStr(input, 'DataType'),
    },
    ctx.now,
    ctx.callerArn,
  );
  ctx.sandbox.changed();
  return { Version: v.version, Tier: v.tier };
}

function lookup(ctx: CallContext, ref: string): { p?: SsmParameter; selector?: string } {
  const parsed = parseRef(ref);
  const p = findParameter(ssmOf(ctx.regionState), parsed, ctx.account.id, ctx.region);
  return { ...(p ? { p } : {}), ...(parsed.selector !== undefined ? { selector: parsed.selector } : {}) };
}

function getParameter(input: JsonInput, ctx: CallContext): unknown {
  const name = reqStr(input, 'Name');
  const { p, selector } = lookup(ctx, name);
  if (!p) throw parameterNotFound(name);
  const v = versionOf(p, selector);
  return { Parameter: parameterOut(ctx, p, v, optBool(input, 'WithDecryption') ?? false, selector) };
}

function getParameters(input: JsonInput, ctx: CallContext): unknown {
  const names = reqStrList(input, 'Names', 1, 10);
  const decrypt = optBool(input, 'WithDecryption') ?? false;
  const found: Record<string, unknown>[] = [];
  const invalid: string[] = [];
  for (const name of [...new Set(names)]) {
    const { p, selector } = lookup(ctx, name);
    if (!p) {
      invalid.push(name);
      continue;
    }
    try {
      found.push(parameterOut(ctx, p, versionOf(p, selector), decrypt, selector));
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      invalid.push(name);
    }
  }
  return { Parameters: found, InvalidParameters: invalid };
}

function deleteParameter(input: JsonInput, ctx: CallContext): unknown {
  const name = reqStr(input, 'Name');
  const ssm = ssmOf(ctx.regionState);
  if (!ssm.parameters[name]) throw parameterNotFound(name);
  delete ssm.parameters[name];
  ctx.sandbox.changed();
  return {};
}

function deleteParameters(input: JsonInput, ctx: CallContext): unknown {
  const names = reqStrList(input, 'Names', 1, 10);
  const ssm = ssmOf(ctx.regionState);
  const deleted: string[] = [];
  const invalid: string[] = [];
  for (const name of [...new Set(names)]) {
    if (ssm.parameters[name]) {
      delete ssm.parameters[name];
      deleted.push(name);
    } else invalid.push(name);
  }
  if (deleted.length > 0) ctx.sandbox.changed();
  return { DeletedParameters: deleted, InvalidParameters: invalid };
}

/** The parameter a tagging call names (ResourceType Parameter, ResourceId its name). */
function tagTarget(input: JsonInput, ctx: CallContext): SsmParameter {
  const type = reqStr(input, 'ResourceType');
  const id = reqStr(input, 'ResourceId');
  if (type !== 'Parameter') {
    // The sandbox's SSM has parameters only: other resource types have nothing to tag.
    throw new AwsError('InvalidResourceType', `The sandbox's SSM tags parameters only, not ${type}.`);
  }
  const p = lookup(ctx, id).p;
  if (!p) throw new AwsError('InvalidResourceId', `Parameter ${id} not found.`);
  return p;
}

function addTagsToResource(input: JsonInput, ctx: CallContext): unknown {
  const p = tagTarget(input, ctx);
  const tags = tagList(input, 'Tags');
  if (!tags) {
    throw new AwsError(
      'ValidationException',
      "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
    );
  }
  const merged = mergeTags(p.tags, tags);
  if (merged.length > MAX_TAGS) {
    throw new AwsError('TooManyTagsError', `A parameter can have at most ${MAX_TAGS} tags.`);
  }
  p.tags = merged;
  ctx.sandbox.changed();
  return {};
}

function listTagsForResource(input: JsonInput, ctx: CallContext): unknown {
  return { TagList: tagTarget(input, ctx).tags.map((t) => ({ Key: t.Key, Value: t.Value })) };
}

function removeTagsFromResource(input: JsonInput, ctx: CallContext): unknown {
  const p = tagTarget(input, ctx);
  const keys = reqStrList(input, 'TagKeys', 0, 1000);
  p.tags = p.tags.filter((t) => !keys.includes(t.Key));
  ctx.sandbox.changed();
  return {};
}

export const ssmService: JsonService = {
  name: 'ssm',
  targetPrefix: 'AmazonSSM',
  actions: {
    PutParameter: putParameterAction,
    GetParameter: getParameter,
    GetParameters: getParameters,
    GetParametersByPath: getParametersByPath,
    DescribeParameters: describeParameters,
    GetParameterHistory: getParameterHistory,
    DeleteParameter: deleteParameter,
    DeleteParameters: deleteParameters,
    AddTagsToResource: addTagsToResource,
    ListTagsForResource: listTagsForResource,
    RemoveTagsFromResource: removeTagsFromResource,
  },
};
