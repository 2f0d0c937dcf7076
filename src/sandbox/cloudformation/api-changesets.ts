/** CloudFormation change sets: create (CREATE makes a REVIEW_IN_PROGRESS stack), describe, execute, delete, list. */
import { AwsError } from '../errors.js';
import type { CallContext, QueryHandler } from '../service.js';
import { tokenSeen, updateTemplate } from './api-stacks.js';
import { computeChanges, hasChanges } from './diff.js';
import { cfnMs, stackScope } from './engine-context.js';
import { setStackStatus } from './events.js';
import {
  bool,
  capabilities,
  changeSetName,
  changeSetNameOrId,
  checkStackName,
  clientRequestToken,
  list,
  nextToken,
  pageStart,
  parameters,
  stackNameOrId,
  tags,
} from './input.js';
import {
  assertUpdatable,
  changeSetArn,
  existingStack,
  findChangeSet,
  findStack,
  validationError,
} from './lookup.js';
import { cfnOf, type CfnChangeSet } from './model.js';
import { newStack, startCreate, startUpdate } from './operations.js';
import { checkCapabilities, configure } from './prepare.js';
import { changeSetSummaryXml, changeSetXml, EMPTY_RESULT } from './render.js';

export const NO_CHANGES =
  "The submitted information didn't contain changes. Submit different information to create a change set.";

/** Moves a change set along its creation statuses by the sandbox time (its outcome is known from the start). */
export function settle(cs: CfnChangeSet, now: number): void {
  if (cs.status !== 'CREATE_PENDING' && cs.status !== 'CREATE_IN_PROGRESS') return;
  if (now >= cs.readyAt) {
    cs.status = cs.outcome.status;
    if (cs.outcome.reason !== undefined) cs.statusReason = cs.outcome.reason;
    cs.executionStatus = cs.outcome.status === 'CREATE_COMPLETE' ? 'AVAILABLE' : 'UNAVAILABLE';
  } else if (now >= (cs.creationTime + cs.readyAt) / 2) cs.status = 'CREATE_IN_PROGRESS';
}

function onStackFailure(value: string | undefined): CfnChangeSet['onStackFailure'] {
  if (value === undefined) return undefined;
  if (value === 'ROLLBACK' || value === 'DO_NOTHING' || value === 'DELETE') return value;
  throw validationError(
    `1 validation error detected: Value '${value}' at 'onStackFailure' failed to satisfy constraint: Member must satisfy enum value set: [DO_NOTHING, ROLLBACK, DELETE]`,
  );
}

const createChangeSet: QueryHandler = (input, ctx) => {
  const stackName = stackNameOrId(input);
  const name = changeSetName(input);
  const type = input.ChangeSetType ?? 'UPDATE';
  if (type !== 'CREATE' && type !== 'UPDATE') {
    throw validationError(
      type === 'IMPORT'
        ? 'The sandbox does not import existing resources (ChangeSetType IMPORT). Use CREATE or UPDATE.'
        : `1 validation error detected: Value '${type}' at 'changeSetType' failed to satisfy constraint: Member must satisfy enum value set: [UPDATE, IMPORT, CREATE]`,
    );
  }
  const cfn = cfnOf(ctx.regionState);
  let stack = findStack(cfn, stackName);
  if (type === 'CREATE') {
    if (stack && stack.status !== 'REVIEW_IN_PROGRESS') {
      throw new AwsError(
        'AlreadyExistsException',
        `Stack [${stackName}] already exists and cannot be created again with the changeSet [${name}].`,
      );
    }
  } else {
    if (!stack) throw validationError(`Stack [${stackName}] does not exist`);
    assertUpdatable(stack);
  }
  const fresh = stack === undefined;
  if (!stack) checkStackName(stackName);
  stack ??= newStack(ctx, stackName, ctx.now);
  const s = stack;
  if (Object.values(cfn.changeSets).some((cs) => cs.stackId === s.stackId && cs.name === name)) {
    throw new AwsError('AlreadyExistsException', `ChangeSet [${name}] already exists`);
  }
  const template = updateTemplate(input, s);
  const caps = capabilities(input);
  checkCapabilities(template, caps);
  const config = configure(cfn, s, ctx.account.id, ctx.region, {
    template,
    given: parameters(input),
    previous: type === 'UPDATE' ? s.config.parameters : undefined,
    capabilities: caps,
    tags: tags(input) ?? (type === 'UPDATE' ? s.config.tags : []),
  });
  const scope = stackScope(ctx.account, ctx.region);
  const changes = computeChanges(scope, s, config);
  const empty = type === 'UPDATE' && !hasChanges(scope, s, config);
  if (fresh) {
    s.status = 'REVIEW_IN_PROGRESS';
    cfn.stacks[s.stackId] = s;
    setStackStatus(s, 'REVIEW_IN_PROGRESS', ctx.now, 'User Initiated', undefined);
  }
  const stackFailure = onStackFailure(input.OnStackFailure);
  const cs: CfnChangeSet = {
    id: changeSetArn(ctx.region, ctx.account.id, name, ctx.sandbox.uuid()),
    name,
    stackId: s.stackId,
    stackName: s.stackName,
    type,
    status: 'CREATE_PENDING',
    executionStatus: 'UNAVAILABLE',
    creationTime: ctx.now,
    readyAt: ctx.now + cfnMs(ctx.sandbox, 'cfnChangeSetSeconds'),
    outcome: empty ? { status: 'FAILED', reason: NO_CHANGES } : { status: 'CREATE_COMPLETE' },
    ...(input.Description !== undefined ? { description: input.Description } : {}),
    config,
    notificationArns: list(input, 'NotificationARNs'),
    ...(input.RoleARN !== undefined ? { roleArn: input.RoleARN } : {}),
    ...(stackFailure !== undefined ? { onStackFailure: stackFailure } : {}),
    changes,
  };
  cfn.changeSets[cs.id] = cs;
  settle(cs, ctx.now);
  ctx.sandbox.changed();
  return { Id: cs.id, StackId: s.stackId };
};

function changeSetOf(input: Parameters<QueryHandler>[0], ctx: CallContext): CfnChangeSet {
  const cs = findChangeSet(cfnOf(ctx.regionState), changeSetNameOrId(input), input.StackName);
  settle(cs, ctx.now);
  return cs;
}

const describeChangeSet: QueryHandler = (input, ctx) => {
  const cs = changeSetOf(input, ctx);
  const start = pageStart(input);
  const page = 100;
  const xml = changeSetXml({ ...cs, changes: cs.changes.slice(start, start + page) });
  return { ...xml, NextToken: start + page < cs.changes.length ? nextToken(start + page) : undefined };
};

const executeChangeSet: QueryHandler = (input, ctx) => {
  const cs = changeSetOf(input, ctx);
  const token = clientRequestToken(input);
  const cfn = cfnOf(ctx.regionState);
  const stack = existingStack(cfn, cs.stackId);
  if (tokenSeen(stack, token, 'ExecuteChangeSet')) return EMPTY_RESULT;
  if (cs.executionStatus !== 'AVAILABLE') {
    throw new AwsError(
      'InvalidChangeSetStatus',
      `ChangeSet [${cs.id}] cannot be executed in its current execution status of [${cs.executionStatus}]`,
    );
  }
  if (token !== undefined) stack.tokens[token] = 'ExecuteChangeSet';
  const disableRollback = bool(input, 'DisableRollback');
  cs.executionStatus = 'EXECUTE_IN_PROGRESS';
  for (const other of Object.values(cfn.changeSets)) {
    if (other.stackId === cs.stackId && other !== cs && other.executionStatus !== 'EXECUTE_COMPLETE') {
      other.executionStatus = 'OBSOLETE';
    }
  }
  if (cs.type === 'CREATE') {
    if (cs.roleArn !== undefined) stack.roleArn = cs.roleArn;
    stack.notificationArns = cs.notificationArns;
    startCreate(ctx, stack, {
      config: cs.config,
      onFailure: disableRollback === true ? 'DO_NOTHING' : (cs.onStackFailure ?? 'ROLLBACK'),
      changeSetId: cs.id,
      ...(token !== undefined ? { token } : {}),
    });
  } else {
    startUpdate(ctx, stack, cs.config, {
      changeSetId: cs.id,
      ...(token !== undefined ? { token } : {}),
      ...(disableRollback !== undefined ? { disableRollback } : {}),
    });
  }
  return EMPTY_RESULT;
};

const deleteChangeSet: QueryHandler = (input, ctx) => {
  const cs = changeSetOf(input, ctx);
  if (cs.executionStatus === 'EXECUTE_IN_PROGRESS') {
    throw new AwsError(
      'InvalidChangeSetStatus',
      `ChangeSet [${cs.id}] cannot be deleted while its execution is in progress. Wait until the stack operation ends.`,
    );
  }
  delete cfnOf(ctx.regionState).changeSets[cs.id];
  ctx.sandbox.changed();
  return EMPTY_RESULT;
};

const listChangeSets: QueryHandler = (input, ctx) => {
  const cfn = cfnOf(ctx.regionState);
  const stack = existingStack(cfn, stackNameOrId(input));
  const sets = Object.values(cfn.changeSets).filter((cs) => cs.stackId === stack.stackId);
  for (const cs of sets) settle(cs, ctx.now);
  const start = pageStart(input);
  return {
    Summaries: sets.slice(start, start + 100).map(changeSetSummaryXml),
    NextToken: start + 100 < sets.length ? nextToken(start + 100) : undefined,
  };
};

export const changeSetActions: Record<string, QueryHandler> = {
  CreateChangeSet: createChangeSet,
  DescribeChangeSet: describeChangeSet,
  ExecuteChangeSet: executeChangeSet,
  DeleteChangeSet: deleteChangeSet,
  ListChangeSets: listChangeSets,
};
