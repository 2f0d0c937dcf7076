/**
 * The deployment engine's leases (table engine_leases, migration 0005): which node runs a
 * deployment and when it last said so. A lease not renewed for `staleMs` belongs to a dead node,
 * and another node may take it. Staleness is judged by the database's clock on every side, so the
 * nodes' clocks need not agree. How the engine uses them: docs/engine.md.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './types.js';

/** A node holding leases. */
export interface LeaseHolder {
  /** The node's id (a random UUID per engine). */
  nodeId: string;
  /** A lease not renewed for this many milliseconds belongs to a dead node. */
  staleMs: number;
}

/** A stale lease: its deployment and the pg-boss job that ran it, if known. */
export interface StaleLease {
  deploymentId: string;
  jobId: string | null;
}

const staleBefore = (staleMs: number) => sql`now() - ${staleMs} * interval '1 millisecond'`;

/**
 * Takes the lease of `deploymentId` for `jobId`: true when it was free, already ours, or stale;
 * false when a live node holds it.
 */
export async function claimLease(
  db: Kysely<Database>,
  holder: LeaseHolder,
  deploymentId: string,
  jobId: string,
): Promise<boolean> {
  const { rows } = await sql<{ node_id: string }>`
    insert into engine_leases (deployment_id, node_id, job_id, heartbeat_at)
    values (${deploymentId}, ${holder.nodeId}, ${jobId}, now())
    on conflict (deployment_id) do update
      set node_id = excluded.node_id, job_id = excluded.job_id, heartbeat_at = now()
      where engine_leases.node_id = excluded.node_id
         or engine_leases.heartbeat_at < ${staleBefore(holder.staleMs)}
    returning node_id`.execute(db);
  return rows.length > 0;
}

/** Gives up `nodeId`'s lease of a deployment that ended (nothing when another node holds it). */
export async function releaseLease(
  db: Kysely<Database>,
  nodeId: string,
  deploymentId: string,
): Promise<void> {
  await sql`delete from engine_leases where deployment_id = ${deploymentId} and node_id = ${nodeId}`.execute(
    db,
  );
}

/** Makes `nodeId`'s lease stale at once, so that another node resumes the deployment without waiting. */
export async function expireLease(db: Kysely<Database>, nodeId: string, deploymentId: string): Promise<void> {
  await sql`update engine_leases set heartbeat_at = 'epoch'
    where deployment_id = ${deploymentId} and node_id = ${nodeId}`.execute(db);
}

/** Renews `nodeId`'s leases of `deploymentIds`; answers those it still holds (another node took the rest). */
export async function renewLeases(
  db: Kysely<Database>,
  nodeId: string,
  deploymentIds: readonly string[],
): Promise<Set<string>> {
  if (deploymentIds.length === 0) return new Set();
  const { rows } = await sql<{ deployment_id: string }>`
    update engine_leases set heartbeat_at = now()
    where node_id = ${nodeId} and deployment_id in (${sql.join(deploymentIds)})
    returning deployment_id`.execute(db);
  return new Set(rows.map((r) => r.deployment_id));
}

/** Every lease not renewed for `staleMs`. */
export async function staleLeases(db: Kysely<Database>, staleMs: number): Promise<StaleLease[]> {
  const { rows } = await sql<{ deployment_id: string; job_id: string | null }>`
    select deployment_id, job_id from engine_leases
    where heartbeat_at < ${staleBefore(staleMs)}`.execute(db);
  return rows.map((r) => ({ deploymentId: r.deployment_id, jobId: r.job_id }));
}

/** Deletes the lease of `deploymentId` if it is (still) stale: the leftover of a finished deployment. */
export async function deleteStaleLease(
  db: Kysely<Database>,
  staleMs: number,
  deploymentId: string,
): Promise<void> {
  await sql`delete from engine_leases
    where deployment_id = ${deploymentId} and heartbeat_at < ${staleBefore(staleMs)}`.execute(db);
}

/**
 * Deployments stored as `queued` more than `olderThanMs` ago that have no waiting or running job in
 * pg-boss's queue `queue` (the node that stored them died before sending the job): oldest first,
 * `limit` (default 100) at most. Reads pg-boss's own table `pgboss.job`, so pg-boss must be
 * installed (the engine's queue installs it on start).
 */
export async function queuedWithoutJob(
  db: Kysely<Database>,
  queue: string,
  olderThanMs: number,
  limit = 100,
): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select d.id from deployments d
    where d.state = 'queued' and d.created_at < ${staleBefore(olderThanMs)}
      and not exists (
        select 1 from pgboss.job j
        where j.name = ${queue} and j.singleton_key = d.id
          and j.state in ('created', 'retry', 'active'))
    order by d.created_at
    limit ${limit}`.execute(db);
  return rows.map((r) => r.id);
}
