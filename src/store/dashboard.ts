/**
 * The dashboard's read model: per (project, environment, tenant or none) the latest deployment with
 * its release's version, in one query (the skip scan of deployment-queries.ts joined to releases).
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Deployment } from '../core/model/release.js';
import { latestDeploymentRows } from './deployment-queries.js';
import type { Database, DeploymentsTable } from './types.js';

/** One row of the dashboard. */
export interface DashboardItem {
  projectId: string;
  environmentId: string;
  tenantId?: string;
  releaseId: string;
  releaseVersion: string;
  deploymentId: string;
  state: Deployment['state'];
  createdAt: Date;
  finishedAt?: Date;
}

/**
 * The latest deployment per project × environment (× tenant) of the space, with its release's
 * version; `projectIds` (default all) narrows, and an empty set answers [] without a query.
 * Ordered by project, environment, tenant (untenanted first).
 */
export async function dashboardItems(
  db: Kysely<Database>,
  spaceId: string,
  projectIds?: ReadonlySet<string>,
): Promise<DashboardItem[]> {
  if (projectIds?.size === 0) return [];
  const result = await sql<Selectable<DeploymentsTable> & { release_version: string }>`
    select latest.*, r.version as release_version
      from (${latestDeploymentRows(spaceId, projectIds ? [...projectIds] : undefined)}) latest
      join releases r on r.id = latest.release_id
     order by latest.project_id, latest.environment_id, coalesce(latest.tenant_id, '')`.execute(db);
  return result.rows.map((row) => ({
    projectId: row.project_id,
    environmentId: row.environment_id,
    ...(row.tenant_id === null ? {} : { tenantId: row.tenant_id }),
    releaseId: row.release_id,
    releaseVersion: row.release_version,
    deploymentId: row.id,
    state: row.state as Deployment['state'],
    createdAt: row.created_at,
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
  }));
}
