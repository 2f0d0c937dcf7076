/**
 * Read-only queries over deployments that are not one aggregate's: the latest deployment per
 * (project, environment, tenant or none), and what creating and promoting deployments read about a
 * release (its progress per tenant, its prompted variables, the releases an environment runs).
 */
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { Deployment } from '../core/model/release.js';
import { toDeployment } from './deployment-rows.js';
import type { Database, DeploymentsTable } from './types.js';

/**
 * The rows of the latest deployment of every (project, environment, tenant or none) in the space;
 * `projectIds` narrows. A plain DISTINCT ON reads every deployment (about a second with 200,000);
 * this skip scan walks each project's (environment, tenant) groups with one probe of
 * deployments_latest_idx per group. Ordered by project, environment, tenant.
 */
export function latestDeploymentRows(
  spaceId: string,
  projectIds?: readonly string[],
): RawBuilder<Selectable<DeploymentsTable>> {
  // The projects come from the resources table (few rows), so every probe has project_id = ...
  const projects =
    projectIds === undefined
      ? sql`select id from resources where space_id = ${spaceId} and kind = 'project'`
      : sql`select id from resources where id in (${sql.join(projectIds.map((p) => sql`${p}`))})`;
  // deployments_latest_idx orders each group's rows newest first, so the first row after the
  // previous group in index order is the next group's latest: one probe per group.
  return sql<Selectable<DeploymentsTable>>`
    with recursive latest as (
      select first.*
        from (${projects}) project
        cross join lateral (
          select d.*
            from deployments d
           where d.space_id = ${spaceId} and d.project_id = project.id
           order by d.environment_id, coalesce(d.tenant_id, ''), d.created_at desc, d.id desc
           limit 1) first
      union all
      select n.*
        from latest g
        cross join lateral (
          select d.*
            from deployments d
           where d.space_id = ${spaceId}
             and d.project_id = g.project_id
             and (d.environment_id, coalesce(d.tenant_id, '')) > (g.environment_id, coalesce(g.tenant_id, ''))
           order by d.environment_id, coalesce(d.tenant_id, ''), d.created_at desc, d.id desc
           limit 1) n
    )
    select * from latest`;
}

/** The latest deployment of every (project, environment, tenant or none) in the space; `projectIds` narrows. */
export async function latestPerEnvironment(
  db: Kysely<Database>,
  spaceId: string,
  projectIds?: readonly string[],
): Promise<Deployment[]> {
  const result = await sql<Selectable<DeploymentsTable>>`
    select * from (${latestDeploymentRows(spaceId, projectIds)}) latest
     order by project_id, environment_id, coalesce(tenant_id, '')`.execute(db);
  return result.rows.map(toDeployment);
}

/** Where a release has been deployed for one tenant (or untenanted): environment ids. */
export interface EnvironmentsReached {
  /** Environments where a deployment of the release succeeded. */
  succeeded: string[];
  /** Environments with any deployment of the release. */
  attempted: string[];
}

/**
 * Per tenant id ('' for the untenanted deployments), where `releaseId` has been deployed: the
 * lifecycle's input for every tenant of a request, in one query.
 */
export async function releaseProgressByTenant(
  db: Kysely<Database>,
  releaseId: string,
): Promise<Map<string, EnvironmentsReached>> {
  const rows = await db
    .selectFrom('deployments')
    .select(sql<string>`coalesce(tenant_id, '')`.as('tenant'))
    .select('environment_id')
    .select(sql<boolean>`bool_or(state = 'success')`.as('succeeded'))
    .where('release_id', '=', releaseId)
    .groupBy([sql`coalesce(tenant_id, '')`, 'environment_id'])
    .orderBy('environment_id')
    .execute();
  const byTenant = new Map<string, EnvironmentsReached>();
  for (const row of rows) {
    let reached = byTenant.get(row.tenant);
    if (!reached) byTenant.set(row.tenant, (reached = { succeeded: [], attempted: [] }));
    reached.attempted.push(row.environment_id);
    if (row.succeeded) reached.succeeded.push(row.environment_id);
  }
  return byTenant;
}

/** The prompted variables of a release's snapshot (names, whether required), without reading values. */
export async function promptedVariables(
  db: Kysely<Database>,
  releaseId: string,
): Promise<{ name: string; required: boolean }[]> {
  const rows = await db
    .selectFrom('release_variables')
    .select(['name', 'prompt'])
    .where('release_id', '=', releaseId)
    .where('prompt', 'is not', null)
    .orderBy('sort')
    .execute();
  return rows.map((r) => ({
    name: r.name,
    required: (r.prompt as { required?: unknown } | null)?.required === true,
  }));
}

/**
 * Per tenant id ('' for untenanted), the release of the newest successful deployment of `projectId`
 * in `environmentId` (newest by creation, ties by id): what promotion takes from there.
 */
export async function latestSuccessfulReleases(
  db: Kysely<Database>,
  spaceId: string,
  projectId: string,
  environmentId: string,
): Promise<Map<string, string>> {
  const result = await sql<{ tenant: string; release_id: string }>`
    select distinct on (coalesce(tenant_id, '')) coalesce(tenant_id, '') as tenant, release_id
      from deployments
     where space_id = ${spaceId} and project_id = ${projectId} and environment_id = ${environmentId}
       and state = 'success'
     order by coalesce(tenant_id, ''), created_at desc, id desc`.execute(db);
  return new Map(result.rows.map((r) => [r.tenant, r.release_id]));
}
