/**
 * Per step × target progress the engine persists to resume after a crash. Output variables are
 * stored encrypted as one JSON object (any of them may be sensitive); the names of the sensitive
 * ones are kept in clear so the engine knows what to mask.
 */
import { sql, type Kysely } from 'kysely';
import { outputsContext } from './deployment-rows.js';
import type { SecretBox } from './secrets.js';
import type { Database } from './types.js';

/** What the engine persists per step × target, to resume. */
export interface StepProgress {
  step: number;
  /** '' when the step has no target. */
  targetId: string;
  state: 'running' | 'success' | 'failed' | 'skipped' | 'canceled';
  /** Executor-specific facts (e.g. the task definition registered, the ECS deployment id). */
  progress: Record<string, unknown>;
  /** Output variables the step set. */
  outputs: Record<string, string>;
  /** Names of the outputs that are sensitive (kept in clear; their values are in `outputs`, encrypted). */
  sensitiveOutputs: string[];
}

/** Inserts or replaces the progress of one step × target of deployment `id`. */
export async function saveStep(
  db: Kysely<Database>,
  secrets: SecretBox,
  id: string,
  p: StepProgress,
): Promise<void> {
  const outputs =
    Object.keys(p.outputs).length === 0
      ? null
      : secrets.encrypt(JSON.stringify(p.outputs), outputsContext(id, p.step, p.targetId));
  const values = {
    state: p.state,
    progress: JSON.stringify(p.progress),
    outputs_secret: outputs,
    sensitive_outputs: JSON.stringify(p.sensitiveOutputs),
  };
  await db
    .insertInto('deployment_steps')
    .values({ deployment_id: id, step: p.step, target_id: p.targetId, ...values })
    .onConflict((oc) =>
      oc.columns(['deployment_id', 'step', 'target_id']).doUpdateSet({ ...values, updated_at: sql`now()` }),
    )
    .execute();
}

/** Every step × target progress of deployment `id`, outputs decrypted, in (step, target) order. */
export async function readSteps(
  db: Kysely<Database>,
  secrets: SecretBox,
  id: string,
): Promise<StepProgress[]> {
  const rows = await db
    .selectFrom('deployment_steps')
    .selectAll()
    .where('deployment_id', '=', id)
    .orderBy('step')
    .orderBy('target_id')
    .execute();
  return rows.map((r) => ({
    step: r.step,
    targetId: r.target_id,
    state: r.state as StepProgress['state'],
    progress: r.progress as Record<string, unknown>,
    outputs:
      r.outputs_secret === null
        ? {}
        : (JSON.parse(secrets.decrypt(r.outputs_secret, outputsContext(id, r.step, r.target_id))) as Record<
            string,
            string
          >),
    sensitiveOutputs: r.sensitive_outputs as string[],
  }));
}
