/**
 * "Delete a CloudFormation stack": delete the named stack in the target's account and region and
 * wait until it is gone (DELETE_FAILED fails the step with the stack's reasons). No stack by that
 * name is success. The DeleteStack token is saved before it is sent, so a resumed attempt watches
 * the delete it sent instead of sending another.
 */
import type { CloudformationDeleteAction } from '../../core/model/kinds/cloudformation.js';
import { deleteStack } from '../../deploy/cloudformation/index.js';
import type { StepContext, StepExecutor, StepResult } from '../executor.js';
import {
  failure,
  refuseEvaluated,
  savedOperation,
  stepHooks,
  waitOf,
  type CloudformationStepOptions,
} from './cloudformation-deploy.js';

/** The action document of a cloudformation-delete step (after evaluation). */
type DeleteAction = Omit<CloudformationDeleteAction, 'wait'> & {
  wait: { mode: 'wait' | 'no-wait'; timeoutMinutes: number | string };
};

/** Builds the executor; `options` exist for tests (a faster clock and poll). */
export function createCloudformationDeleteExecutor(options: CloudformationStepOptions = {}): StepExecutor {
  return { type: 'cloudformation-delete', perTarget: true, run: (ctx) => run(ctx, options) };
}

/** The executor with the wall clock. */
export const cloudformationDeleteExecutor = createCloudformationDeleteExecutor();

async function run(ctx: StepContext, options: CloudformationStepOptions): Promise<StepResult> {
  const action = ctx.action as unknown as DeleteAction;
  if (!ctx.target)
    return { outcome: 'failed', error: 'This step needs a deployment target (its AWS account and region).' };
  if (ctx.signal.aborted) return { outcome: 'failed', error: 'Canceled before the step started.' };
  const refused = refuseEvaluated(action);
  if (refused) return refused;
  const resume = savedOperation(ctx.previous);
  try {
    const clients = await ctx.aws();
    const result = await deleteStack(
      {
        stackName: action.stackName,
        ...waitOf(action, options),
        ...(resume ? { resume } : {}),
        tokenPrefix: `slipway-${ctx.deploymentId}`,
      },
      clients,
      stepHooks(ctx, options),
    );
    ctx.log.info(`Stack ${action.stackName} does not exist: nothing to delete.`);
    if (result.outcome === 'started')
      ctx.log.info(`Deleting stack ${action.stackName}; not waiting for it (wait mode "no-wait").`);
    return { outcome: 'success' };
  } catch (e) {
    return failure(ctx, action.stackName, e);
  }
}
