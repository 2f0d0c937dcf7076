/**
 * "Manual intervention": pauses the deployment until someone (of the responsible teams, if any)
 * proceeds or aborts. The interruption survives restarts: a resumed step finds the same one.
 */
import type { StepContext, StepExecutor, StepResult } from '../executor.js';

interface ManualInterventionAction {
  instructions: string;
  responsibleTeams: string[];
}

async function run(ctx: StepContext): Promise<StepResult> {
  const action = ctx.action as unknown as ManualInterventionAction;
  const teams = action.responsibleTeams;
  // The snapshot holds team ids; the log names them.
  const who = teams.length > 0 ? ((await ctx.teamNames?.(teams)) ?? teams) : [];
  ctx.log.highlight(
    `Waiting for manual intervention${who.length ? ` by ${who.join(', ')}` : ''}: ${action.instructions}`,
  );
  // The question this attempt asked before its node died; a retried step (fresh progress) asks anew.
  const resume = (ctx.previous as { interruptionId?: unknown }).interruptionId;
  const answered = await ctx.interrupt({
    title: ctx.step.name,
    instructions: action.instructions,
    responsibleTeamIds: teams,
    ...(typeof resume === 'string' ? { resume } : {}),
    opened: (interruptionId) => ctx.saveProgress({ interruptionId }),
  });
  const { answer } = answered;
  const by = `${answered.answeredBy ?? 'someone'}${answered.notes ? `: ${answered.notes}` : ''}`;
  if (answer === 'proceed') {
    ctx.log.info(`Manual intervention: proceed (${by}).`);
    return { outcome: 'success' };
  }
  if (answer === 'abort') return { outcome: 'failed', error: `Manual intervention: aborted (${by}).` };
  // Guided-failure answers do not belong to a manual intervention; treat them as their nearest meaning.
  if (answer === 'ignore') return { outcome: 'success' };
  return { outcome: 'failed', error: `Manual intervention answered "${answer}".` };
}

/** The "Manual intervention" executor (once per deployment). */
export const manualInterventionExecutor: StepExecutor = {
  type: 'manual-intervention',
  perTarget: false,
  run,
};
