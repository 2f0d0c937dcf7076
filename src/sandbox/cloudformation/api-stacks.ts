/** CloudFormation stack operations: create, update, delete, describe, list, and the rollback controls. */
import { AwsError } from '../errors.js';
import type { XmlNode } from '../protocol/xml.js';
import type { CallContext, QueryHandler, QueryInput } from '../service.js';
import { hasChanges } from './diff.js';
import { stackScope } from './engine-context.js';
import {
  bool,
  capabilities,
  checkStackName,
  clientRequestToken,
  int,
  list,
  nextToken,
  pageStart,
  parameters,
  required,
  stackNameOrId,
  tags,
} from './input.js';
import {
  assertUpdatable,
  describableStack,
  existingStack,
  findStack,
  isLive,
  validationError,
} from './lookup.js';
import { cfnOf, type CfnStack } from './model.js';
import {
  cancelUpdate,
  newStack,
  nextTags,
  startContinueRollback,
  startCreate,
  startDelete,
  startUpdate,
} from './operations.js';
import { checkCapabilities, checkTemplate, configure } from './prepare.js';
import { EMPTY_RESULT, stackSummaryXml, stackXml } from './render.js';
import type { ParsedTemplate } from './contracts.js';

/** Stacks per DescribeStacks / ListStacks page. */
const STACK_PAGE = 100;

/** TemplateBody, or the refusal of TemplateURL (the sandbox has no S3 to read it from). */
export function templateBody(input: QueryInput): string | undefined {
  if (input.TemplateURL !== undefined && input.TemplateBody === undefined) {
    throw validationError(
      'The sandbox does not read templates from TemplateURL (it has no S3). Pass the template as TemplateBody.',
    );
  }
  return input.TemplateBody;
}

/** The token's earlier use on this stack: true for a retry of the same action, TokenAlreadyExists for another. */
export function tokenSeen(stack: CfnStack, token: string | undefined, action: string): boolean {
  if (token === undefined) return false;
  const used = stack.tokens[token];
  if (used === undefined) return false;
  if (used === action) return true;
  throw new AwsError(
    'TokenAlreadyExistsException',
    `The ClientRequestToken ${token} was already used for ${used} on stack ${stack.stackName}. Pass a new token for a new request.`,
  );
}

function onFailureOf(input: QueryInput): 'ROLLBACK' | 'DO_NOTHING' | 'DELETE' {
  const disable = bool(input, 'DisableRollback');
  const onFailure = input.OnFailure;
  if (disable !== undefined && onFailure !== undefined) {
    throw validationError('You cannot specify both DisableRollback and OnFailure.');
  }
  if (onFailure !== undefined) {
    if (onFailure !== 'ROLLBACK' && onFailure !== 'DO_NOTHING' && onFailure !== 'DELETE') {
      throw validationError(
        `1 validation error detected: Value '${onFailure}' at 'onFailure' failed to satisfy constraint: Member must satisfy enum value set: [DO_NOTHING, ROLLBACK, DELETE]`,
      );
    }
    return onFailure;
  }
  return disable === true ? 'DO_NOTHING' : 'ROLLBACK';
}

const createStack: QueryHandler = (input, ctx) => {
  const name = required(input, 'StackName');
  checkStackName(name);
  const token = clientRequestToken(input);
  const cfn = cfnOf(ctx.regionState);
  const existing = findStack(cfn, name);
  if (existing) {
    if (tokenSeen(existing, token, 'CreateStack')) return { StackId: existing.stackId };
    throw new AwsError('AlreadyExistsException', `Stack [${name}] already exists`);
  }
  const template = checkTemplate(templateBody(input));
  const caps = capabilities(input);
  checkCapabilities(template, caps);
  const onFailure = onFailureOf(input);
  const timeout = int(input, 'TimeoutInMinutes', 1);
  const stack = newStack(ctx, name, ctx.now);
  stack.notificationArns = list(input, 'NotificationARNs');
  if (input.RoleARN !== undefined) stack.roleArn = input.RoleARN;
  stack.enableTerminationProtection = bool(input, 'EnableTerminationProtection') ?? false;
  const config = configure(cfn, stack, ctx.account.id, ctx.region, {
    template,
    given: parameters(input),
    previous: undefined,
    capabilities: caps,
    tags: tags(input) ?? [],
  });
  if (token !== undefined) stack.tokens[token] = 'CreateStack';
  startCreate(ctx, stack, {
    config,
    onFailure,
    ...(timeout !== undefined ? { timeoutInMinutes: timeout } : {}),
    ...(token !== undefined ? { token } : {}),
  });
  return { StackId: stack.stackId };
};

/** The template of an update: the new body, or the stack's with UsePreviousTemplate. */
export function updateTemplate(input: QueryInput, stack: CfnStack): ParsedTemplate {
  if (bool(input, 'UsePreviousTemplate') === true) {
    if (input.TemplateBody !== undefined || input.TemplateURL !== undefined) {
      throw validationError('You cannot specify both usePreviousTemplate and Template Body/Template Url');
    }
    return checkTemplate(stack.config.templateBody);
  }
  return checkTemplate(templateBody(input));
}

const updateStack: QueryHandler = (input, ctx) => {
  const nameOrId = stackNameOrId(input);
  const token = clientRequestToken(input);
  const cfn = cfnOf(ctx.regionState);
  const stack = existingStack(cfn, nameOrId);
  if (tokenSeen(stack, token, 'UpdateStack')) return { StackId: stack.stackId };
  assertUpdatable(stack);
  const template = updateTemplate(input, stack);
  const caps = capabilities(input);
  checkCapabilities(template, caps);
  const config = configure(cfn, stack, ctx.account.id, ctx.region, {
    template,
    given: parameters(input),
    previous: stack.config.parameters,
    capabilities: caps,
    tags: nextTags(stack, tags(input)),
  });
  if (!hasChanges(stackScope(ctx.account, ctx.region), stack, config)) {
    throw validationError('No updates are to be performed.');
  }
  if (token !== undefined) stack.tokens[token] = 'UpdateStack';
  const disableRollback = bool(input, 'DisableRollback');
  startUpdate(ctx, stack, config, {
    ...(token !== undefined ? { token } : {}),
    ...(disableRollback !== undefined ? { disableRollback } : {}),
  });
  return { StackId: stack.stackId };
};

const deleteStack: QueryHandler = (input, ctx) => {
  const nameOrId = stackNameOrId(input);
  const token = clientRequestToken(input);
  const stack = findStack(cfnOf(ctx.regionState), nameOrId);
  // AWS answers success for a stack it does not know (or one already deleted).
  if (!stack || !isLive(stack)) return {};
  if (tokenSeen(stack, token, 'DeleteStack')) return {};
  if (token !== undefined) stack.tokens[token] = 'DeleteStack';
  startDelete(ctx, stack, list(input, 'RetainResources'), token);
  ctx.sandbox.changed();
  return {};
};

function page<T>(items: T[], input: QueryInput, size: number): { items: T[]; next?: string } {
  const start = pageStart(input);
  const slice = items.slice(start, start + size);
  return start + size < items.length ? { items: slice, next: nextToken(start + size) } : { items: slice };
}

const describeStacks: QueryHandler = (input, ctx) => {
  const cfn = cfnOf(ctx.regionState);
  if (input.StackName !== undefined) {
    return { Stacks: [stackXml(describableStack(cfn, input.StackName))] };
  }
  const live = Object.values(cfn.stacks)
    .filter(isLive)
    .sort((a, b) => b.creationTime - a.creationTime);
  const p = page(live, input, STACK_PAGE);
  return { Stacks: p.items.map(stackXml), NextToken: p.next };
};

const listStacks: QueryHandler = (input, ctx) => {
  const filter = list(input, 'StackStatusFilter');
  const stacks = Object.values(cfnOf(ctx.regionState).stacks)
    .filter((s) => filter.length === 0 || filter.includes(s.status))
    .sort((a, b) => b.creationTime - a.creationTime);
  const p = page(stacks, input, STACK_PAGE);
  return { StackSummaries: p.items.map(stackSummaryXml), NextToken: p.next };
};

const cancelUpdateStack: QueryHandler = (input, ctx) => {
  const stack = existingStack(cfnOf(ctx.regionState), stackNameOrId(input));
  cancelUpdate(ctx, stack);
  return {};
};

const continueUpdateRollback: QueryHandler = (input, ctx) => {
  const stack = existingStack(cfnOf(ctx.regionState), stackNameOrId(input));
  startContinueRollback(ctx, stack, list(input, 'ResourcesToSkip'));
  return EMPTY_RESULT;
};

const listExports: QueryHandler = (input, ctx: CallContext) => {
  const exports: XmlNode[] = [];
  for (const s of Object.values(cfnOf(ctx.regionState).stacks)) {
    if (!isLive(s)) continue;
    for (const o of s.outputs) {
      if (o.exportName !== undefined)
        exports.push({ ExportingStackId: s.stackId, Name: o.exportName, Value: o.value });
    }
  }
  const p = page(exports, input, 100);
  return { Exports: p.items, NextToken: p.next };
};

export const stackActions: Record<string, QueryHandler> = {
  CreateStack: createStack,
  UpdateStack: updateStack,
  DeleteStack: deleteStack,
  DescribeStacks: describeStacks,
  ListStacks: listStacks,
  CancelUpdateStack: cancelUpdateStack,
  ContinueUpdateRollback: continueUpdateRollback,
  ListExports: listExports,
};
