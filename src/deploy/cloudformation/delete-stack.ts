/**
 * Deleting a stack: nothing to do when there is none; otherwise wait for any operation in flight,
 * DeleteStack with a token told to the caller first, and wait for DELETE_COMPLETE (DELETE_FAILED
 * fails, with this operation's events). A resumed attempt re-attaches to the delete it sent.
 */
import type { AwsClients } from '../../aws/clients.js';
import { runContext } from './deploy-stack.js';
import { emitStack } from './events.js';
import { finish, reattach, startDelete, type StartedOperation } from './operation.js';
import type { StackDeleteInput, StackDeleteResult, StackHooks } from './types.js';
import { OperationEvents, waitForQuiet, type RunContext } from './watch.js';

/**
 * Deletes the stack and (unless `wait` is false) waits until it is gone. A missing stack is
 * success (`absent`). Throws SlipwayError like deployStack.
 */
export async function deleteStack(
  input: StackDeleteInput,
  clients: Pick<AwsClients, 'cloudformation'>,
  hooks: StackHooks = {},
): Promise<StackDeleteResult> {
  const ctx = runContext(input, clients, hooks);
  const name = input.stackName;
  ctx.clock.check();
  if (input.resume?.kind === 'delete') {
    const attached = await reattach(ctx, name, input.resume);
    if (attached) return conclude(ctx, attached.op, attached.events);
  }
  const stack = await waitForQuiet(ctx, name);
  if (!stack || stack.StackStatus === 'DELETE_COMPLETE') {
    emitStack(ctx.emit, 'cfn.no-change', `Stack ${name} does not exist: nothing to delete.`, {
      stackName: name,
      stackId: null,
      status: null,
    });
    return { outcome: 'absent', events: [] };
  }
  const stackId = stack.StackId ?? name;
  const op = await startDelete(ctx, name, stackId, input.tokenPrefix);
  return conclude(ctx, op);
}

async function conclude(
  ctx: RunContext,
  op: StartedOperation,
  events: OperationEvents = new OperationEvents(ctx, op),
): Promise<StackDeleteResult> {
  if (!ctx.wait) return { outcome: 'started', stackId: op.stackId, events: events.ours };
  await finish(ctx, op, events);
  return { outcome: 'deleted', stackId: op.stackId, events: [...events.ours] };
}
