/**
 * The stalled flag of a running deployment (`deployments.stalled_since`): set by the engine's stall
 * watch when a deployment made no progress for a while, cleared when it makes progress again. It is
 * not a state change: `version` does not move.
 */
import type { Kysely } from 'kysely';
import type { Database } from './types.js';

/** Marks deployment `id` stalled since `since`, unless it is final. */
export async function markStalled(db: Kysely<Database>, id: string, since: Date): Promise<void> {
  await db
    .updateTable('deployments')
    .set({ stalled_since: since })
    .where('id', '=', id)
    .where('state', 'in', ['executing', 'cancelling'])
    .execute();
}

/** Clears the stalled flag of deployment `id` (nothing to do when it is not set). */
export async function clearStalled(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable('deployments')
    .set({ stalled_since: null })
    .where('id', '=', id)
    .where('stalled_since', 'is not', null)
    .execute();
}
