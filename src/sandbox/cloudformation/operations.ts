/**
 * Starting stack operations — create, update, delete — for the API and for change sets: the
 * stack's new state and its first event now, the rest on the sandbox clock (engine.ts).
 */
import type { CallContext } from '../service.js';
import { cfnMs, stackScope, type StackScope } from './engine-context.js';
import { beginDelete, beginForward, continueRollback, dropChangeSets } from './engine-phases.js';
import { setStackStatus } from './events.js';
import { assertUpdatable, isLive, stackArn, validationError } from './lookup.js';
import type { CfnOperation, CfnResource, CfnStack, CfnTag, StackConfig } from './model.js';
import { importersOf } from './prepare.js';
import { TaskRunner } from './engine-tasks.js';

/** A new stack record (not yet in the world), with an empty configuration. */
export function newStack(ctx: CallContext, name: string, now: number): CfnStack {
  return {
    stackId: stackArn(ctx.region, ctx.account.id, name, ctx.sandbox.uuid()),
    stackName: name,
    status: 'CREATE_IN_PROGRESS',
    creationTime: now,
    config: {
      templateBody: '',
      parameters: {},
      parameterOrder: [],
      capabilities: [],
      tags: [],
      dependencies: {},
      declared: {},
    },
    disableRollback: false,
    notificationArns: [],
    enableTerminationProtection: false,
    resources: {},
    outputs: [],
    imports: [],
    events: [],
    tokens: {},
  };
}

export interface CreateOptions {
  config: StackConfig;
  onFailure: 'ROLLBACK' | 'DO_NOTHING' | 'DELETE';
  timeoutInMinutes?: number;
  token?: string;
  changeSetId?: string;
}

function operation(
  kind: CfnOperation['kind'],
  token: string | undefined,
  extra: Partial<CfnOperation> = {},
): CfnOperation {
  return {
    kind,
    ...(token !== undefined ? { token } : {}),
    phase: kind === 'DELETE' ? 'delete' : kind === 'CREATE' ? 'create' : 'update',
    tasks: {},
    failed: [],
    leftovers: [],
    createdByUpdate: [],
    onFailure: 'ROLLBACK',
    retainResources: [],
    ...extra,
  };
}

function scopeOf(ctx: CallContext): StackScope {
  return stackScope(ctx.account, ctx.region);
}

/** Creates the stack's resources (CreateStack, or executing a CREATE change set). */
export function startCreate(ctx: CallContext, stack: CfnStack, options: CreateOptions): void {
  const now = ctx.sandbox.now();
  const scope = scopeOf(ctx);
  scope.cfn.stacks[stack.stackId] = stack;
  stack.config = options.config;
  stack.disableRollback = options.onFailure === 'DO_NOTHING';
  if (options.timeoutInMinutes !== undefined) stack.timeoutInMinutes = options.timeoutInMinutes;
  if (options.changeSetId !== undefined) stack.changeSetId = options.changeSetId;
  const op = operation('CREATE', options.token, {
    onFailure: options.onFailure,
    ...(options.timeoutInMinutes !== undefined ? { deadline: now + options.timeoutInMinutes * 60_000 } : {}),
    ...(options.changeSetId !== undefined ? { changeSetId: options.changeSetId } : {}),
  });
  stack.operation = op;
  beginForward(stack, op, 'create', now, cfnMs(ctx.sandbox, 'cfnStackSeconds'));
  ctx.sandbox.cloudformation.drive(ctx.account, ctx.region, stack);
}

/** Applies a new configuration to a stack (UpdateStack, or executing an UPDATE change set). */
export function startUpdate(
  ctx: CallContext,
  stack: CfnStack,
  config: StackConfig,
  options: { token?: string; disableRollback?: boolean; changeSetId?: string },
): void {
  assertUpdatable(stack);
  const now = ctx.sandbox.now();
  const before: Record<string, CfnResource> = JSON.parse(JSON.stringify(stack.resources)) as Record<
    string,
    CfnResource
  >;
  const op = operation('UPDATE', options.token, {
    target: config,
    previous: stack.config,
    before,
    previousOutputs: stack.outputs,
    previousImports: stack.imports,
    ...(options.changeSetId !== undefined ? { changeSetId: options.changeSetId } : {}),
  });
  // Resources the new template no longer has are deleted in the cleanup (kept with Retain).
  for (const r of Object.values(stack.resources)) {
    if (r.logicalId in config.declared || r.physicalId === '' || r.status.startsWith('DELETE')) continue;
    op.leftovers.push({
      logicalId: r.logicalId,
      type: r.type,
      physicalId: r.physicalId,
      properties: r.properties,
      removed: true,
      retain: r.deletionPolicy === 'Retain',
    });
  }
  if (options.disableRollback !== undefined) stack.disableRollback = options.disableRollback;
  if (options.changeSetId !== undefined) stack.changeSetId = options.changeSetId;
  stack.config = config;
  stack.lastUpdatedTime = now;
  stack.operation = op;
  beginForward(stack, op, 'update', now, cfnMs(ctx.sandbox, 'cfnStackSeconds'));
  ctx.sandbox.cloudformation.drive(ctx.account, ctx.region, stack);
}

/** The states DeleteStack refuses (an operation is running that must end first). */
const BUSY = [
  'ROLLBACK_IN_PROGRESS',
  'UPDATE_IN_PROGRESS',
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
];

/** Deletes a stack (DeleteStack); a second call while it is being deleted does nothing. */
export function startDelete(
  ctx: CallContext,
  stack: CfnStack,
  retain: string[],
  token: string | undefined,
): void {
  if (!isLive(stack) || stack.status === 'DELETE_IN_PROGRESS') return;
  if (stack.enableTerminationProtection) {
    throw validationError(
      `Stack [${stack.stackName}] cannot be deleted while TerminationProtection is enabled`,
    );
  }
  if (BUSY.includes(stack.status)) {
    throw validationError(`Stack [${stack.stackName}] cannot be deleted while in status ${stack.status}`);
  }
  if (retain.length > 0 && stack.status !== 'DELETE_FAILED') {
    throw validationError(
      'Invalid operation on stack ' +
        `[${stack.stackId}]: RetainResources may only be specified for stacks in DELETE_FAILED state`,
    );
  }
  const now = ctx.sandbox.now();
  const scope = scopeOf(ctx);
  if (stack.status === 'REVIEW_IN_PROGRESS' && Object.keys(stack.resources).length === 0) {
    // Nothing was ever created: the stack is gone at once.
    stack.operation = undefined;
    setStackStatus(stack, 'DELETE_IN_PROGRESS', now, 'User Initiated', token);
    setStackStatus(stack, 'DELETE_COMPLETE', now, undefined, token);
    stack.deletionTime = now;
    dropChangeSets(scope.cfn, stack);
    return;
  }
  // Deleting a stack that is being created cancels the resources in progress first.
  const creating = stack.operation;
  if (stack.status === 'CREATE_IN_PROGRESS' && creating) {
    new TaskRunner(ctx.sandbox, scope, stack, creating).cancel(now);
  }
  const op = operation('DELETE', token, { retainResources: retain });
  stack.operation = op;
  const inUse = stack.outputs
    .filter((o) => o.exportName !== undefined)
    .map((o) => ({ name: o.exportName!, users: importersOf(scope.cfn, o.exportName!, stack.stackId) }))
    .find((e) => e.users.length > 0);
  beginDelete(stack, op, now, cfnMs(ctx.sandbox, 'cfnStackSeconds'));
  if (inUse) {
    op.tasks = {};
    op.stackFailure = `Export ${inUse.name} cannot be deleted as it is in use by ${inUse.users.map((u) => u.stackName).join(', ')}`;
  }
  ctx.sandbox.cloudformation.drive(ctx.account, ctx.region, stack);
}

/** ContinueUpdateRollback: runs the failed update rollback again, skipping `skip`. */
export function startContinueRollback(ctx: CallContext, stack: CfnStack, skip: string[]): void {
  if (stack.status !== 'UPDATE_ROLLBACK_FAILED' || !stack.operation) {
    throw validationError(
      `Stack ${stack.stackId} is in ${stack.status} state and can not continue the update rollback. ContinueUpdateRollback applies to stacks in UPDATE_ROLLBACK_FAILED state.`,
    );
  }
  continueRollback(stack, skip, ctx.sandbox.now(), cfnMs(ctx.sandbox, 'cfnStackSeconds'));
  ctx.sandbox.cloudformation.drive(ctx.account, ctx.region, stack);
}

/** CancelUpdateStack: an update in progress fails now and rolls back. */
export function cancelUpdate(ctx: CallContext, stack: CfnStack): void {
  const op = stack.operation;
  if (stack.status !== 'UPDATE_IN_PROGRESS' || !op || op.phase !== 'update') {
    throw validationError(
      `CancelUpdateStack cannot be called from current stack status ${stack.status}. Only a stack in UPDATE_IN_PROGRESS can be cancelled.`,
    );
  }
  op.stackFailure = 'Stack update cancelled';
  ctx.sandbox.cloudformation.drive(ctx.account, ctx.region, stack);
}

/** Tags for UpdateStack: absent keeps the stack's, the empty list removes them. */
export function nextTags(stack: CfnStack, given: CfnTag[] | undefined): CfnTag[] {
  return given ?? stack.config.tags;
}
