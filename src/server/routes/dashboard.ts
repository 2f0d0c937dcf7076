/** GET /api/spaces/{space}/dashboard: the latest deployment per project × environment (× tenant). */
import { z } from 'zod';
import { DEPLOYMENT_STATES } from '../../core/model/release.js';
import { visible } from '../access.js';
import type { RouteSpec } from '../route.js';
import type { ReleaseHttp } from './release-http.js';
import { NO_QUERY, parseQuery, SPACE_PARAM } from './resource-http.js';

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
      query: NO_QUERY,
      auth: { permission: 'project.view' },
      responses: {
        200: { description: 'One item per project × environment × tenant deployed to.', body: DASHBOARD },
        404: { description: 'No such space.' },
      },
      handler: async (request) => {
        parseQuery(NO_QUERY, request);
        const seen = visible(request, 'project.view', 'projectIds');
        const items = await http.service.dashboard(await http.spaceId(request), seen);
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
