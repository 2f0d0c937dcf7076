/**
 * The Update ECS Service step's answer to a PAUSE lifecycle hook: a manual intervention for the
 * responsible teams (its instructions name the test listener to try the new revision on) whose
 * proceed/abort become ContinueServiceDeployment CONTINUE/ROLLBACK. The interruption's id is saved
 * with the step's progress, so a server restarted during the pause (which may last the hook's 14
 * days) waits for the same question instead of asking again.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { describeAwsError } from '../../aws/clients.js';
import { shortTaskDefinition } from '../../core/rollout/types.js';
import { HookSettled, type PauseAnswerer, type PausedHook } from '../../deploy/service-input.js';
import { describeService } from '../../deploy/snapshot.js';
import type { StepContext } from '../executor.js';

/** What the step saves about a pause (beside its other progress). */
export interface PauseProgress {
  interruptionId?: string;
  pausedHookId?: string;
}

/** The test listener rules of a service's load balancers (where to try the new revision), if any. */
export async function testListeners(ecs: ECSClient, cluster: string, service: string): Promise<string[]> {
  try {
    const svc = await describeService(ecs, cluster, service);
    return (svc.loadBalancers ?? [])
      .map((lb) => lb.advancedConfiguration?.testListenerRule)
      .filter((r): r is string => !!r);
  } catch {
    // Only for the instructions: the question is asked without it.
    return [];
  }
}

/** The intervention's instructions for a paused deployment. */
export function pauseInstructions(p: PausedHook, listeners: string[]): string {
  const expires = p.hook.expiresAt
    ? ` If nobody answers by ${new Date(p.hook.expiresAt).toISOString()}, ECS applies the hook's timeout action (${p.hook.timeoutAction ?? 'ROLLBACK'}).`
    : '';
  const where =
    listeners.length > 0
      ? ` Test traffic reaches the new revision through the test listener rule ${listeners.join(', ')}: try it there.`
      : '';
  return (
    `The ECS deployment of ${p.service} (cluster ${p.cluster}) to ${shortTaskDefinition(p.taskDefinitionArn)} is paused at ${p.stage} (PAUSE hook ${p.hook.hookId}, service deployment ${p.serviceDeploymentArn}).` +
    `${where} Proceed continues the deployment (ContinueServiceDeployment CONTINUE); abort rolls it back (ROLLBACK).${expires}`
  );
}

/**
 * The hook was answered outside Slipway (the CLI, ECS's console) or ran out: the open question is
 * closed with what ECS shows (SUCCEEDED = proceed, anything else = abort), so nobody answers a
 * question that no longer matters.
 */
async function settleElsewhere(
  ctx: StepContext,
  p: PausedHook,
  interruptionId: string | undefined,
  reason: unknown,
): Promise<void> {
  const settled = reason instanceof HookSettled ? reason : undefined;
  const notes = `The PAUSE hook ${p.hook.hookId} was answered outside Slipway${settled ? ` (ECS shows ${settled.shows})` : ''}.`;
  ctx.log.info(`${notes} The manual intervention is closed.`);
  if (interruptionId === undefined || !ctx.settleInterruption) return;
  try {
    await ctx.settleInterruption(interruptionId, settled?.continued ? 'proceed' : 'abort', notes);
  } catch (e) {
    ctx.log.warning(`The manual intervention could not be closed: ${describeAwsError(e)}`);
  }
}

/**
 * The answerer for the deployer: asks the responsible teams and maps proceed → CONTINUE, anything
 * else → ROLLBACK. `progress` is the step's saved progress, updated and saved when the question opens.
 */
export function pauseAnswerer(
  ctx: StepContext,
  ecs: ECSClient,
  teams: string[],
  progress: Record<string, unknown> & PauseProgress,
): PauseAnswerer {
  return async (p, settled) => {
    const listeners = await testListeners(ecs, p.cluster, p.service);
    const instructions = pauseInstructions(p, listeners);
    ctx.log.highlight(`Waiting for manual intervention: ${instructions}`);
    // The same hook asked about before a restart: wait for that question, answered or not.
    const resume = progress.pausedHookId === p.hook.hookId ? progress.interruptionId : undefined;
    let answered;
    try {
      answered = await ctx.interrupt({
        title: `${ctx.step.name}: ${p.service} paused at ${p.stage}`,
        instructions,
        responsibleTeamIds: teams,
        ...(resume ? { resume } : {}),
        signal: settled,
        opened: async (interruptionId) => {
          progress.interruptionId = interruptionId;
          progress.pausedHookId = p.hook.hookId;
          await ctx.saveProgress({ ...progress });
        },
      });
    } catch (e) {
      if (settled.aborted) {
        await settleElsewhere(ctx, p, progress.interruptionId, settled.reason);
        return undefined;
      }
      ctx.log.warning(
        `The manual intervention for the paused deployment could not be asked: ${describeAwsError(e)}`,
      );
      return undefined;
    }
    const by = `${answered.answeredBy ?? 'someone'}${answered.notes ? `: ${answered.notes}` : ''}`;
    const action = answered.answer === 'proceed' ? 'CONTINUE' : 'ROLLBACK';
    ctx.log.info(
      `Manual intervention: ${answered.answer} (${by}): ${action === 'CONTINUE' ? 'continuing' : 'rolling back'} the ECS deployment.`,
    );
    return action;
  };
}
