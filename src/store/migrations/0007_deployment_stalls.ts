/**
 * Stalled deployments: when a running deployment last made progress, set while the engine finds it
 * stalled (nothing logged or saved for the server's `--stall-after`) and cleared when it makes
 * progress again (docs/engine.md, "Stalled deployments"). Null for every other deployment.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table deployments add column stalled_since timestamptz`.execute(db);
}
