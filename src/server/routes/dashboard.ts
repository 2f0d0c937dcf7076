/** GET /api/spaces/{space}/dashboard: the latest deployment per project × environment (× tenant). */
import { z } from 'zod';
import { RESOURCE_KINDS } from '../../core/model/kinds/index.js';
import { unknownFields } from '../../core/model/parse.js';
import { DEPLOYMENT_STATES } from '../../core/model/release.js';
import { dashboardItems } from '../../store/dashboard.js';
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
  finishedAt: z.iso.datetime().optional(),
});

const DASHBOARD = { name: 'Dashboard', schema: z.object({ items: z.array(itemSchema) }) };

/** The dashboard route. */
export function dashboardRoutes(http: ReleaseHttp): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/api/spaces/{space}/dashboard',
      operationId: 'getDashboard',
      summary: 'The latest deployment per project × environment (× tenant), of the projects you may see.',
      tag: 'deployments',
      params: SPACE_PARAM,
      query: dashboardQuery,
      auth: { permission: 'project.view' },
      responses: {
        200: { description: 'One item per project × environment × tenant deployed to.', body: DASHBOARD },
        400: { description: 'A bad query parameter (named in the message).' },
        404: { description: 'No such space or project.' },
      },
      handler: async (request) => {
        const q = parseQuery(dashboardQuery, request);
        let seen = visible(request, 'project.view', 'projectIds');
        if (q.project !== undefined) {
          const spaceId = await http.spaceId(request);
          const project = await resourcesRepository(
            http.deps.store.db,
            http.deps.secrets,
            RESOURCE_KINDS.project,
          ).find(spaceId, q.project);
          if (!project) throw notFoundByName('project', q.project);
          authorize(request, 'project.view', { projectId: project.id });
          seen = new Set([project.id]);
        }
        const items = await dashboardItems(http.deps.store.db, await http.spaceId(request), seen);
        return {
          items: items.map((i): z.output<typeof itemSchema> => ({
            projectId: i.projectId,
            environmentId: i.environmentId,
            ...(i.tenantId === undefined ? {} : { tenantId: i.tenantId }),
            releaseId: i.releaseId,
            releaseVersion: i.releaseVersion,
            deploymentId: i.deploymentId,
            state: i.state,
            createdAt: i.createdAt.toISOString(),
            ...(i.finishedAt === undefined ? {} : { finishedAt: i.finishedAt.toISOString() }),
          })),
        };
      },
    },
  ];
}
