/**
 * The dashboard's query: per (project, environment, tenant or none) the latest deployment. A plain
 * DISTINCT ON reads every deployment (about a second with 200,000); this skip scan walks each
 * project's (environment, tenant) groups with one probe of deployments_latest_idx per group.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Deployment } from '../core/model/release.js';
import { toDeployment } from './deployment-rows.js';
import type { Database, DeploymentsTable } from './types.js';

/** The latest deployment of every (project, environment, tenant or none) in the space; `projectIds` narrows. */
export async function latestPerEnvironment(
  db: Kysely<Database>,
  spaceId: string,
  projectIds?: readonly string[],
): Promise<Deployment[]> {
  // The projects come from the resources table (few rows), so every probe has project_id = ...
  const projects =
    projectIds === undefined
      ? sql`select id from resources where space_id = ${spaceId} and kind = 'project'`
      : sql`select id from resources where id in (${sql.join(projectIds.map((p) => sql`${p}`))})`;
  // deployments_latest_idx orders each group's rows newest first, so the first row after the
  // previous group in index order is the next group's latest: one probe per group.
  const result = await sql<Selectable<DeploymentsTable>>`
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
    select * from latest order by project_id, environment_id, coalesce(tenant_id, '')`.execute(db);
  return result.rows.map(toDeployment);
}
