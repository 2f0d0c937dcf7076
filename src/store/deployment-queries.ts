/**
 * The dashboard's query: per (project, environment, tenant or none) the latest deployment. A plain
 * DISTINCT ON reads every deployment (about a second with 200,000); this skip scan walks each
 * project's (environment, tenant) groups with one probe of deployments_latest_idx per group, then
 * takes each group's newest row with another.
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
  const result = await sql<Selectable<DeploymentsTable>>`
    with recursive groups (p, e, t) as (
      select first.*
        from (${projects}) project
        cross join lateral (
          select d.project_id, d.environment_id, coalesce(d.tenant_id, '')
            from deployments d
           where d.space_id = ${spaceId} and d.project_id = project.id
           order by d.environment_id, coalesce(d.tenant_id, '')
           limit 1) first
      union all
      select g.p, n.e, n.t
        from groups g
        cross join lateral (
          select d.environment_id as e, coalesce(d.tenant_id, '') as t
            from deployments d
           where d.space_id = ${spaceId}
             and d.project_id = g.p
             and (d.environment_id, coalesce(d.tenant_id, '')) > (g.e, g.t)
           order by d.environment_id, coalesce(d.tenant_id, '')
           limit 1) n
    )
    select latest.*
      from groups g
      cross join lateral (
        select d.*
          from deployments d
         where d.space_id = ${spaceId}
           and d.project_id = g.p
           and d.environment_id = g.e
           and coalesce(d.tenant_id, '') = g.t
         order by d.created_at desc, d.id desc
         limit 1) latest
     order by latest.project_id, latest.environment_id, coalesce(latest.tenant_id, '')`.execute(db);
  return result.rows.map(toDeployment);
}
