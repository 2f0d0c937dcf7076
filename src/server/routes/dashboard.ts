/**
 * GET /api/spaces/{space}/dashboard: what runs where. The whole space answers per project ×
 * environment (the latest untenanted deployment, the newest tenant's, and the tenants' states
 * counted); `?project=` answers that project's every environment × tenant. Both carry the names a
 * page needs to draw them (projects, environments in their order, the project's tenants with tags),
 * so a dashboard is one request.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { RESOURCE_KINDS } from '../../core/model/kinds/index.js';
import { unknownFields } from '../../core/model/parse.js';
import { DEPLOYMENT_STATES } from '../../core/model/release.js';
import { dashboardCells, dashboardItems, type DashboardItem } from '../../store/dashboard.js';
import { resourcesRepository } from '../../store/resources.js';
import { authorize, visible } from '../access.js';
import type { RouteSpec } from '../route.js';
import { notFoundByName, type ReleaseHttp } from './release-http.js';
import { parseQuery, SPACE_PARAM } from './resource-http.js';

const dashboardQuery = z.strictObject(
  {
    project: z.string().min(1).optional().meta({
      description:
        "Only this project (id or name): its environments × tenants, as a project's own page shows.",
    }),
  },
  { error: unknownFields('the query') },
);

const itemSchema = z.object({
  projectId: z.string(),
  environmentId: z.string(),
  tenantId: z.string().optional(),
  releaseId: z.string(),
  releaseVersion: z.string(),
  deploymentId: z.string(),
  state: z.enum(DEPLOYMENT_STATES),
  createdAt: z.iso.datetime(),
  createdBy: z.string().meta({ description: 'Who started the deployment (a user name).' }),
  startedAt: z.iso.datetime().optional(),
  finishedAt: z.iso.datetime().optional(),
});

const stateCounts = z.partialRecord(z.enum(DEPLOYMENT_STATES), z.number().int());

const DASHBOARD = {
  name: 'Dashboard',
  schema: z.object({
    items: z.array(itemSchema).meta({
      description:
        'Whole space: per project × environment the latest untenanted deployment and the newest of the ' +
        "tenants' latest (with tenantId). With ?project=: the latest per environment × tenant.",
    }),
    cells: z
      .array(z.object({ projectId: z.string(), environmentId: z.string(), tenantStates: stateCounts }))
      .optional()
      .meta({
        description: "Whole space only: per project × environment, the tenants' latest states counted.",
      }),
    projects: z
      .array(z.object({ id: z.string(), name: z.string(), tenantedMode: z.string() }))
      .meta({ description: 'The projects shown, by name.' }),
    environments: z
      .array(z.object({ id: z.string(), name: z.string() }))
      .meta({ description: "The space's environments in their order." }),
    tenants: z
      .array(
        z.object({
          id: z.string(),
          name: z.string(),
          tags: z.array(z.string()),
          environmentIds: z.array(z.string()),
        }),
      )
      .optional()
      .meta({ description: 'With ?project=: the tenants connected to it (by name), tags and environments.' }),
  }),
};

type Item = z.output<typeof itemSchema>;

function toJson(i: DashboardItem): Item {
  return {
    projectId: i.projectId,
    environmentId: i.environmentId,
    ...(i.tenantId === undefined ? {} : { tenantId: i.tenantId }),
    releaseId: i.releaseId,
    releaseVersion: i.releaseVersion,
    deploymentId: i.deploymentId,
    state: i.state,
    createdAt: i.createdAt.toISOString(),
    createdBy: i.createdBy,
    ...(i.startedAt === undefined ? {} : { startedAt: i.startedAt.toISOString() }),
    ...(i.finishedAt === undefined ? {} : { finishedAt: i.finishedAt.toISOString() }),
  };
}

/** The dashboard route. */
export function dashboardRoutes(http: ReleaseHttp): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/api/spaces/{space}/dashboard',
      operationId: 'getDashboard',
      summary: 'What runs where: per project × environment, or one project’s environments × tenants.',
      tag: 'deployments',
      params: SPACE_PARAM,
      query: dashboardQuery,
      auth: { permission: 'project.view' },
      responses: {
        200: { description: 'The latest deployments with the names to draw them.', body: DASHBOARD },
        400: { description: 'A bad query parameter (named in the message).' },
        404: { description: 'No such space or project.' },
      },
      handler: async (request) => {
        const q = parseQuery(dashboardQuery, request);
        const db = http.deps.store.db;
        const spaceId = await http.spaceId(request);
        let seen = visible(request, 'project.view', 'projectIds');
        let projectId: string | undefined;
        if (q.project !== undefined) {
          const project = await resourcesRepository(db, http.deps.secrets, RESOURCE_KINDS.project).find(
            spaceId,
            q.project,
          );
          if (!project) throw notFoundByName('project', q.project);
          authorize(request, 'project.view', { projectId: project.id });
          projectId = project.id;
          seen = new Set([project.id]);
        }
        const [projectRows, environments] = await Promise.all([
          sql<{ id: string; name: string; tenanted_mode: string | null }>`
            select id, name, data->>'tenantedMode' as tenanted_mode
              from resources where space_id = ${spaceId} and kind = 'project'
             order by lower(name), id`.execute(db),
          db
            .selectFrom('environments')
            .select(['id', 'name'])
            .where('space_id', '=', spaceId)
            .orderBy('sort_order')
            .orderBy('name')
            .execute(),
        ]);
        const existing = new Set(projectRows.rows.map((p) => p.id));
        const projects = projectRows.rows
          .filter((p) => (seen ? seen.has(p.id) : true))
          .map((p) => ({ id: p.id, name: p.name, tenantedMode: p.tenanted_mode ?? 'untenanted' }));
        if (projectId !== undefined) {
          const [items, tenants] = await Promise.all([
            dashboardItems(db, spaceId, seen, existing),
            connectedTenants(http, spaceId, projectId),
          ]);
          return { items: items.map(toJson), projects, environments, tenants };
        }
        const cells = await dashboardCells(db, spaceId, seen, existing);
        return {
          items: cells.flatMap((c) =>
            [c.untenanted, c.newestTenant].filter((i) => i !== undefined).map(toJson),
          ),
          cells: cells
            .filter((c) => c.newestTenant !== undefined)
            .map((c) => ({
              projectId: c.projectId,
              environmentId: c.environmentId,
              tenantStates: c.tenantStates,
            })),
          projects,
          environments,
        };
      },
    },
  ];
}

/** The tenants connected to `projectId`, by name, with their tags and that project's environments. */
async function connectedTenants(http: ReleaseHttp, spaceId: string, projectId: string) {
  const rows = await sql<{ id: string; name: string; tags: unknown; connection: unknown }>`
    select t.id, t.name, t.data->'tags' as tags, c.value as connection
      from resources t
      cross join lateral jsonb_array_elements(coalesce(t.data->'projects', '[]'::jsonb)) c
     where t.space_id = ${spaceId} and t.kind = 'tenant' and c.value->>'project' = ${projectId}
     order by lower(t.name), t.id`.execute(http.deps.store.db);
  return rows.rows.map((r) => {
    const connection = r.connection as { environments?: unknown };
    return {
      id: r.id,
      name: r.name,
      tags: Array.isArray(r.tags) ? r.tags.filter((t): t is string => typeof t === 'string') : [],
      environmentIds: Array.isArray(connection.environments)
        ? connection.environments.filter((e): e is string => typeof e === 'string')
        : [],
    };
  });
}
