/**
 * One mutating stack call from start to end: a fresh ClientRequestToken told to the caller before
 * the call is sent (so it is persisted), the call, and the wait for its final status; or, on
 * resume, re-attaching to the call an earlier attempt made (found by its token in the events).
 */
import { randomUUID } from 'node:crypto';
import { DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import { callOptions, eventsUntil, stackCallError } from './api.js';
import { emitStack } from './events.js';
import type { StackOperation, StackOperationKind, StackResume } from './types.js';
import { judge, OperationEvents, watchOperation, type RunContext } from './watch.js';

/** An operation that was accepted: its stack id is known. */
export type StartedOperation = StackOperation & { stackId: string };

/** A ClientRequestToken: `<prefix>-<uuid>`, within AWS's rule `[a-zA-Z0-9][-a-zA-Z0-9]*`, ≤ 128. */
export function newToken(prefix = 'slipway'): string {
  const clean =
    prefix
      .replace(/[^-a-zA-Z0-9]/g, '-')
      .replace(/^-+/, '')
      .slice(0, 80) || 'slipway';
  return `${clean}-${randomUUID()}`;
}

/**
 * Tells `starting` (awaited), sends the call with a new token, tells `started`. `send` returns
 * the stack id (CreateStack's answer) or undefined to keep `stackId`.
 */
export async function startOperation(
  ctx: RunContext,
  kind: StackOperationKind,
  stackName: string,
  stackId: string | undefined,
  tokenPrefix: string | undefined,
  send: (token: string) => Promise<string | undefined>,
): Promise<StartedOperation> {
  const token = newToken(tokenPrefix);
  await ctx.hooks.starting?.({ kind, token, stackName, ...(stackId ? { stackId } : {}) });
  ctx.clock.check();
  const id = (await send(token)) ?? stackId ?? stackName;
  const op: StartedOperation = { kind, token, stackName, stackId: id };
  emitStack(ctx.emit, 'cfn.operation-started', `${verb(kind)} stack ${stackName} (${id}).`, {
    stackName,
    stackId: id,
    operation: kind,
    token,
    attached: false,
  });
  await ctx.hooks.started?.({ ...op, attached: false });
  return op;
}

function verb(kind: StackOperationKind): string {
  return kind === 'create' ? 'Creating' : kind === 'update' ? 'Updating' : 'Deleting';
}

/**
 * The operation an earlier attempt saved, if it reached CloudFormation (events carry its token):
 * then it is re-attached to (its events so far are collected, not reported again). Undefined
 * when it never started, so the caller may plan afresh.
 */
export async function reattach(
  ctx: RunContext,
  stackName: string,
  resume: StackResume,
): Promise<{ op: StartedOperation; events: OperationEvents } | undefined> {
  const scan = await eventsUntil(ctx.api, resume.stackId ?? stackName, (e) => e.token === resume.token);
  const found = scan?.stoppedAt;
  if (!found) return undefined;
  const op: StartedOperation = {
    kind: resume.kind,
    token: resume.token,
    stackName,
    stackId: found.stackId || resume.stackId || stackName,
  };
  emitStack(
    ctx.emit,
    'cfn.operation-started',
    `Resuming: an earlier attempt started the ${resume.kind} of stack ${stackName} (${op.stackId}); watching it instead of sending it again.`,
    { stackName, stackId: op.stackId, operation: op.kind, token: op.token, attached: true },
  );
  await ctx.hooks.started?.({ ...op, attached: true });
  const events = new OperationEvents(ctx, op);
  await events.poll(false);
  return { op, events };
}

/** Waits for the operation's final status and judges it (throws on failure). */
export async function finish(
  ctx: RunContext,
  op: StartedOperation,
  events: OperationEvents = new OperationEvents(ctx, op),
): Promise<Awaited<ReturnType<typeof watchOperation>>> {
  const end = await watchOperation(ctx, op, events);
  judge(ctx, op, end.status, events.ours);
  return end;
}

/** DeleteStack with a new token (told to `starting` first). */
export function startDelete(
  ctx: RunContext,
  stackName: string,
  stackId: string,
  tokenPrefix: string | undefined,
): Promise<StartedOperation> {
  return startOperation(ctx, 'delete', stackName, stackId, tokenPrefix, async (token) => {
    try {
      // By id: a stack of the same name created meanwhile is not ours to delete.
      await ctx.api.cfn.send(
        new DeleteStackCommand({ StackName: stackId, ClientRequestToken: token }),
        callOptions(ctx.api),
      );
    } catch (e) {
      throw stackCallError(e, 'DeleteStack', stackName);
    }
    return stackId;
  });
}

/** DeleteStack, then wait for DELETE_COMPLETE (whatever ctx.wait says: a create follows). */
export async function deleteAndWait(
  ctx: RunContext,
  stackName: string,
  stackId: string,
  tokenPrefix: string | undefined,
): Promise<void> {
  await finish(ctx, await startDelete(ctx, stackName, stackId, tokenPrefix));
}
