/**
 * The deployment engine's leases: which node runs a deployment and when it last said so. A node
 * that stops heartbeating (killed, lost its network) leaves a stale lease; another node then
 * queues the deployment again and resumes it from its saved step progress (docs/engine.md).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table engine_leases (
      deployment_id text primary key,
      node_id text not null,
      job_id text,
      heartbeat_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index engine_leases_heartbeat_idx on engine_leases (heartbeat_at)`.execute(db);
}
