/**
 * "Deploy a CloudFormation template": create or update a stack from the step's template with the
 * stack deployer (src/deploy/cloudformation), in the target's account and region. Before each
 * stack operation is sent its token is saved, so a resumed attempt re-attaches to it instead of
 * sending it again; each new stack event of this operation goes to the log, coded `cfn.*`.
 * Outputs: `AwsOutputs[StackId]`, `StackName`, and every stack output as `AwsOutputs[<OutputKey>]`.
 * The hooks and helpers here are shared with cloudformation-delete.ts.
 */
import { describeAwsError } from '../../aws/clients.js';
import { isSlipwayError } from '../../core/errors.js';
import {
  checkEvaluatedStackAction,
  timeoutMinutesOf,
  type CloudformationDeployAction,
} from '../../core/model/kinds/cloudformation.js';
import {
  deployStack,
  type StackHooks,
  type StackOperation,
  type StackOperationKind,
  type StackResume,
} from '../../deploy/cloudformation/index.js';
import type { DeployControl } from '../../deploy/service-input.js';
import type { StepContext, StepExecutor, StepResult } from '../executor.js';

/** Clock hooks and the poll interval (for tests); defaults: the wall clock, 1 s. */
export type CloudformationStepOptions = Pick<DeployControl, 'now' | 'sleep'> & { pollSeconds?: number };

const KINDS: readonly string[] = ['create', 'update', 'delete'] satisfies StackOperationKind[];

/** The operation an earlier attempt saved (fields of another shape are ignored). */
export function savedOperation(previous: Record<string, unknown>): StackResume | undefined {
  const { operation, token, stackId } = previous;
  if (typeof operation !== 'string' || !KINDS.includes(operation) || typeof token !== 'string')
    return undefined;
  return {
    kind: operation as StackOperationKind,
    token,
    ...(typeof stackId === 'string' ? { stackId } : {}),
  };
}

function progressOf(op: StackOperation): Record<string, unknown> {
  return { operation: op.kind, token: op.token, ...(op.stackId ? { stackId: op.stackId } : {}) };
}

/** Hooks that save each operation before it is sent (and its stack id once known) and log every event. */
export function stepHooks(
  ctx: StepContext,
  options: CloudformationStepOptions,
  onStarted: (op: StackOperation & { stackId: string }) => void = () => {},
): StackHooks {
  return {
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    signal: ctx.signal,
    progress: (e) =>
      ctx.log.event(e, e.code === 'cfn.stack-finished' && e.level === 'info' ? 'highlight' : undefined),
    starting: (op) => ctx.saveProgress(progressOf(op)),
    started: async (op) => {
      onStarted(op);
      await ctx.saveProgress(progressOf(op));
    },
  };
}

/** The evaluated action's problems a template hid, as a failed result (undefined when fine). */
export function refuseEvaluated(action: {
  stackName: string;
  wait: { timeoutMinutes: number | string };
}): StepResult | undefined {
  const problems = checkEvaluatedStackAction(action);
  return problems.length ? { outcome: 'failed', error: `${problems.join('; ')}.` } : undefined;
}

/** The wait settings of the evaluated action. */
export function waitOf(
  action: { wait: { mode: 'wait' | 'no-wait'; timeoutMinutes: number | string } },
  options: CloudformationStepOptions,
) {
  return {
    wait: action.wait.mode === 'wait',
    timeoutSeconds: timeoutMinutesOf(action) * 60,
    ...(options.pollSeconds !== undefined ? { pollSeconds: options.pollSeconds } : {}),
  };
}

/** A failed result for what the deployer threw. */
export function failure(ctx: StepContext, stackName: string, e: unknown): StepResult {
  if (ctx.signal.aborted)
    return {
      outcome: 'failed',
      error: `Canceled: stopped watching stack ${stackName} (an operation already sent goes on in CloudFormation).`,
    };
  return { outcome: 'failed', error: isSlipwayError(e) ? e.message : describeAwsError(e) };
}

/** The action document of a cloudformation-deploy step (after evaluation). */
type DeployAction = Omit<CloudformationDeployAction, 'wait'> & {
  wait: { mode: 'wait' | 'no-wait'; timeoutMinutes: number | string };
};

/** Builds the executor; `options` exist for tests (a faster clock and poll). */
export function createCloudformationDeployExecutor(options: CloudformationStepOptions = {}): StepExecutor {
  return { type: 'cloudformation-deploy', perTarget: true, run: (ctx) => run(ctx, options) };
}

/** The executor with the wall clock. */
export const cloudformationDeployExecutor = createCloudformationDeployExecutor();

/** Stack tags identifying where it came from (stable across releases, so a re-deploy is no change), then the step's. */
export function stackTags(
  values: Record<string, string>,
  own: readonly { key: string; value: string }[],
): { key: string; value: string }[] {
  const ours = [
    { key: 'slipway:project', value: values['Octopus.Project.Name'] ?? '' },
    { key: 'slipway:environment', value: values['Octopus.Environment.Name'] ?? '' },
    { key: 'slipway:tenant', value: values['Octopus.Deployment.Tenant.Name'] || 'untenanted' },
  ];
  const keys = new Set(own.map((t) => t.key));
  const kept = ours.filter((t) => !keys.has(t.key) && t.value !== '');
  // CloudFormation takes at most 50 stack tags: the step's own come first.
  return [...kept.slice(0, Math.max(0, MAX_STACK_TAGS - own.length)), ...own];
}

const MAX_STACK_TAGS = 50;

async function run(ctx: StepContext, options: CloudformationStepOptions): Promise<StepResult> {
  const action = ctx.action as unknown as DeployAction;
  if (!ctx.target)
    return { outcome: 'failed', error: 'This step needs a deployment target (its AWS account and region).' };
  if (ctx.signal.aborted) return { outcome: 'failed', error: 'Canceled before the step started.' };
  const refused = refuseEvaluated(action);
  if (refused) return refused;
  const resume = savedOperation(ctx.previous);
  let stackId = resume?.kind === 'delete' ? undefined : resume?.stackId;
  try {
    const clients = await ctx.aws();
    const result = await deployStack(
      {
        stackName: action.stackName,
        templateBody: action.template,
        parameters: action.parameters,
        capabilities: action.capabilities,
        tags: stackTags(ctx.variables.values, action.tags),
        disableRollback: action.disableRollback,
        ...waitOf(action, options),
        ...(resume ? { resume } : {}),
        tokenPrefix: `slipway-${ctx.deploymentId}`,
      },
      clients,
      stepHooks(ctx, options, (op) => {
        if (op.kind !== 'delete') stackId = op.stackId;
      }),
    );
    setOutputs(ctx, result.stackId, result.stackName, result.outputs);
    if (result.outcome === 'started')
      ctx.log.info(
        `Stack ${result.stackName} is ${result.status}; not waiting for it (wait mode "no-wait").`,
      );
    return { outcome: 'success' };
  } catch (e) {
    const failedId = isSlipwayError(e) && typeof e.data.stackId === 'string' ? e.data.stackId : stackId;
    if (failedId) ctx.setOutput('AwsOutputs[StackId]', failedId);
    return failure(ctx, action.stackName, e);
  }
}

/** `AwsOutputs[StackId]`, `StackName`, and each stack output as `AwsOutputs[<OutputKey>]`. */
function setOutputs(
  ctx: StepContext,
  stackId: string,
  stackName: string,
  outputs: Record<string, string>,
): void {
  ctx.setOutput('AwsOutputs[StackId]', stackId);
  ctx.setOutput('StackName', stackName);
  for (const [key, value] of Object.entries(outputs)) ctx.setOutput(`AwsOutputs[${key}]`, value);
}
