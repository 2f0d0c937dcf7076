/**
 * Coded events in the task log: a line the engine wrote for a typed event (src/core/events.ts)
 * keeps its code and its data (masked like the message) beside the rendered message, so the API
 * can filter by code and a UI can draw a rollout from data. Plain lines (scripts, the engine's
 * own sentences) have neither. The index serves `?code=` within one deployment.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table task_log add column code text`.execute(db);
  await sql`alter table task_log add column data jsonb`.execute(db);
  await sql`
    create index task_log_code_idx on task_log (deployment_id, code, seq) where code is not null`.execute(db);
}
