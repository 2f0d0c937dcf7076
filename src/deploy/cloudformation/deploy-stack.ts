/**
 * The CloudFormation stack deployer, below both faces (the generic "Deploy a CloudFormation
 * template" step and the "Deploy Amazon ECS Service" step): wait for any operation in flight,
 * delete a stack that cannot be updated, create or update, wait, and judge by the final status
 * alone (cloudformation.md B3, done right: no timing, no newest-event guesses). Every
 * Create/Update/Delete carries a token told to the caller first, so a resumed attempt re-attaches
 * instead of sending it twice; events reported are this operation's only.
 */
import {
  CreateStackCommand,
  UpdateStackCommand,
  type Capability,
  type Parameter,
  type Stack,
  type Tag,
} from '@aws-sdk/client-cloudformation';
import type { AwsClients } from '../../aws/clients.js';
import { SlipwayError } from '../../core/errors.js';
import { ignoreEvents } from '../../core/events.js';
import { clockOf } from '../clock.js';
import {
  callOptions,
  describeResources,
  describeStack,
  isNoUpdates,
  outputsOf,
  stackCallError,
} from './api.js';
import { emitStack } from './events.js';
import { deleteAndWait, finish, reattach, startOperation, type StartedOperation } from './operation.js';
import { planDeploy } from './status.js';
import type {
  StackDeployInput,
  StackDeployOutcome,
  StackDeployResult,
  StackHooks,
  StackWait,
} from './types.js';
import { OperationEvents, waitForQuiet, type RunContext } from './watch.js';

/** Default wait timeout: 30 minutes. */
export const DEFAULT_STACK_TIMEOUT_SECONDS = 1800;
/** Default poll interval: 1 s, so a final status is noticed within a second. */
export const DEFAULT_STACK_POLL_SECONDS = 1;

/** The run context of a deploy or delete. */
export function runContext(
  input: StackWait,
  clients: Pick<AwsClients, 'cloudformation'>,
  hooks: StackHooks,
): RunContext {
  return {
    api: { cfn: clients.cloudformation, signal: hooks.signal },
    clock: clockOf(hooks),
    emit: hooks.progress ?? ignoreEvents,
    hooks,
    wait: input.wait ?? true,
    timeoutMs: (input.timeoutSeconds ?? DEFAULT_STACK_TIMEOUT_SECONDS) * 1000,
    pollMs: (input.pollSeconds ?? DEFAULT_STACK_POLL_SECONDS) * 1000,
  };
}

/**
 * Creates or updates the stack and (unless `wait` is false) waits for its final status. Throws
 * SlipwayError: CLOUDFORMATION_STACK_FAILED (a failed or rolled-back final status, with this
 * operation's events in `data.events`), CLOUDFORMATION_TIMEOUT, CLOUDFORMATION_REFUSED (AWS said
 * no: template, capabilities, state), AWS_CALL_FAILED; and the signal's reason when aborted.
 */
export async function deployStack(
  input: StackDeployInput,
  clients: Pick<AwsClients, 'cloudformation'>,
  hooks: StackHooks = {},
): Promise<StackDeployResult> {
  const ctx = runContext(input, clients, hooks);
  const name = input.stackName;
  ctx.clock.check();

  if (input.resume) {
    const attached = await reattach(ctx, name, input.resume);
    if (attached && attached.op.kind !== 'delete') return await conclude(ctx, attached.op, attached.events);
    // A delete of a stack that could not be updated: see it through, then create.
    if (attached) await finish(ctx, attached.op, attached.events);
  }

  let stack = await waitForQuiet(ctx, name);
  const plan = planDeploy(stack?.StackStatus);
  if (stack && (plan === 'delete-then-create' || plan === 'delete-review-then-create')) {
    const stackId = stack.StackId ?? name;
    if (plan === 'delete-review-then-create') await refuseReviewWithResources(ctx, name, stackId);
    await deleteAndWait(ctx, name, stackId, input.tokenPrefix);
    stack = undefined;
  }

  if (!stack) {
    const op = await startOperation(ctx, 'create', name, undefined, input.tokenPrefix, (token) =>
      send(name, 'CreateStack', async () => {
        const res = await ctx.api.cfn.send(
          new CreateStackCommand({
            ...request(input),
            DisableRollback: input.disableRollback ?? false,
            ClientRequestToken: token,
          }),
          callOptions(ctx.api),
        );
        return res.StackId;
      }),
    );
    return conclude(ctx, op);
  }

  const stackId = stack.StackId ?? name;
  let noChange = false;
  const op = await startOperation(ctx, 'update', name, stackId, input.tokenPrefix, async (token) => {
    try {
      await ctx.api.cfn.send(
        new UpdateStackCommand({
          ...request(input),
          StackName: stackId,
          DisableRollback: input.disableRollback ?? false,
          ClientRequestToken: token,
        }),
        callOptions(ctx.api),
      );
    } catch (e) {
      if (!isNoUpdates(e)) throw stackCallError(e, 'UpdateStack', name);
      noChange = true;
    }
    return stackId;
  });
  if (noChange) return unchanged(ctx, op, stack);
  return conclude(ctx, op);
}

/** Runs a call, turning AWS's errors into SlipwayErrors. */
async function send(
  stackName: string,
  call: string,
  run: () => Promise<string | undefined>,
): Promise<string | undefined> {
  try {
    return await run();
  } catch (e) {
    throw stackCallError(e, call, stackName);
  }
}

/** What CreateStack and UpdateStack share. */
function request(input: StackDeployInput) {
  const parameters: Parameter[] = (input.parameters ?? []).map((p) => ({
    ParameterKey: p.key,
    ParameterValue: p.value,
  }));
  const tags: Tag[] = (input.tags ?? []).map((t) => ({ Key: t.key, Value: t.value }));
  const capabilities: Capability[] = [...(input.capabilities ?? [])];
  return {
    StackName: input.stackName,
    TemplateBody: input.templateBody,
    Parameters: parameters,
    Capabilities: capabilities,
    Tags: tags,
  };
}

/** A stack left in REVIEW_IN_PROGRESS is deleted only when it holds nothing (a change set nobody executed). */
async function refuseReviewWithResources(ctx: RunContext, name: string, stackId: string): Promise<void> {
  const resources = await describeResources(ctx.api, stackId);
  if (resources.length === 0) return;
  throw new SlipwayError(
    'CLOUDFORMATION_REFUSED',
    `Stack ${name} is in REVIEW_IN_PROGRESS with ${resources.length} resource(s) (a change set waits to be executed). ` +
      'Execute or delete its change set in AWS, then deploy again.',
    { data: { stackName: name, stackId, status: 'REVIEW_IN_PROGRESS' } },
  );
}

/** "No updates are to be performed.": success, with the stack as DescribeStacks gave it just before. */
async function unchanged(ctx: RunContext, op: StartedOperation, stack: Stack): Promise<StackDeployResult> {
  emitStack(
    ctx.emit,
    'cfn.no-change',
    `Stack ${op.stackName} is up to date: no updates are to be performed.`,
    {
      stackName: op.stackName,
      stackId: op.stackId,
      status: stack.StackStatus ?? null,
    },
  );
  return result(ctx, 'no-change', op, stack, []);
}

/** Waits (unless told not to) and judges; the result carries outputs and resources. */
async function conclude(
  ctx: RunContext,
  op: StartedOperation,
  events: OperationEvents = new OperationEvents(ctx, op),
): Promise<StackDeployResult> {
  if (!ctx.wait) {
    const stack = await describeStack(ctx.api, op.stackId);
    return result(ctx, 'started', op, stack, events.ours);
  }
  const end = await finish(ctx, op, events);
  const outcome: StackDeployOutcome = op.kind === 'create' ? 'created' : 'updated';
  return result(ctx, outcome, op, end.stack, events.ours);
}

async function result(
  ctx: RunContext,
  outcome: StackDeployOutcome,
  op: StartedOperation,
  stack: Stack | undefined,
  events: StackDeployResult['events'],
): Promise<StackDeployResult> {
  const stackId = stack?.StackId ?? op.stackId;
  return {
    outcome,
    stackId,
    stackName: op.stackName,
    status: stack?.StackStatus ?? '',
    outputs: outputsOf(stack),
    resources: await describeResources(ctx.api, stackId),
    events: [...events],
  };
}
