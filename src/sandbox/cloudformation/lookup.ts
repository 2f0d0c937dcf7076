/**
 * Finding stacks and change sets by name or ARN, and CloudFormation's errors for the ones that
 * are not there (each operation words it its own way, quoted from AWS).
 */
import { AwsError } from '../errors.js';
import type { CfnChangeSet, CfnRegion, CfnStack, StackStatus } from './model.js';

/** `arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`. */
export function stackArn(region: string, accountId: string, name: string, uuid: string): string {
  return `arn:aws:cloudformation:${region}:${accountId}:stack/${name}/${uuid}`;
}

/** `arn:aws:cloudformation:<region>:<account>:changeSet/<name>/<uuid>`. */
export function changeSetArn(region: string, accountId: string, name: string, uuid: string): string {
  return `arn:aws:cloudformation:${region}:${accountId}:changeSet/${name}/${uuid}`;
}

export function validationError(message: string): AwsError {
  return new AwsError('ValidationError', message);
}

/** Whether a stack still exists under its name (deleted stacks are known only by StackId). */
export function isLive(stack: CfnStack): boolean {
  return stack.status !== 'DELETE_COMPLETE';
}

/**
 * A stack by name (live stacks only) or by StackId (deleted ones too), or undefined. A name in
 * REVIEW_IN_PROGRESS counts as a stack (a CREATE change set made it).
 */
export function findStack(cfn: CfnRegion, nameOrId: string): CfnStack | undefined {
  if (nameOrId.startsWith('arn:')) return cfn.stacks[nameOrId];
  for (const stack of Object.values(cfn.stacks)) {
    if (stack.stackName === nameOrId && isLive(stack)) return stack;
  }
  return undefined;
}

/** DescribeStacks' wording: `Stack with id <name> does not exist` (the AWS CLI matches on it). */
export function describableStack(cfn: CfnRegion, nameOrId: string): CfnStack {
  const stack = findStack(cfn, nameOrId);
  if (!stack) throw validationError(`Stack with id ${nameOrId} does not exist`);
  return stack;
}

/** UpdateStack, DescribeStackEvents and the change set calls: `Stack [<name>] does not exist`. */
export function existingStack(cfn: CfnRegion, nameOrId: string): CfnStack {
  const stack = findStack(cfn, nameOrId);
  if (!stack) throw validationError(`Stack [${nameOrId}] does not exist`);
  return stack;
}

/** The states UpdateStack and UPDATE change sets accept. */
const UPDATABLE: readonly StackStatus[] = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'];

/** Throws `Stack:<id> is in <STATUS> state and can not be updated.` unless the stack can be updated. */
export function assertUpdatable(stack: CfnStack): void {
  const ok =
    UPDATABLE.includes(stack.status) ||
    (stack.disableRollback && (stack.status === 'CREATE_FAILED' || stack.status === 'UPDATE_FAILED'));
  if (!ok) {
    throw validationError(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
  }
}

/** A change set by ARN, or by name within a stack; `ChangeSet [<arn|name>] does not exist` (404) when not. */
export function findChangeSet(cfn: CfnRegion, nameOrArn: string, stackName?: string): CfnChangeSet {
  let found: CfnChangeSet | undefined;
  if (nameOrArn.startsWith('arn:')) found = cfn.changeSets[nameOrArn];
  else {
    if (stackName === undefined || stackName === '') {
      throw validationError('StackName must be specified if ChangeSetName is not specified as an ARN.');
    }
    const stack = existingStack(cfn, stackName);
    found = Object.values(cfn.changeSets).find((cs) => cs.stackId === stack.stackId && cs.name === nameOrArn);
  }
  if (!found || found.status === 'DELETE_COMPLETE') {
    throw new AwsError('ChangeSetNotFound', `ChangeSet [${nameOrArn}] does not exist`, 404);
  }
  return found;
}
