/**
 * Deployments of a space: create (one per tenant, each authorised in its project × environment ×
 * tenant), promote, list, read and cancel.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SlipwayError } from '../../core/errors.js';
import { RESOURCE_KINDS } from '../../core/model/kinds/index.js';
import { parseInput, unknownFields } from '../../core/model/parse.js';
import type { AccessScope } from '../../core/model/permissions.js';
import {
  DEPLOYMENT_STATES,
  deploymentCreateSchema,
  isFinalState,
  type DeploymentState,
} from '../../core/model/release.js';
import { selectTenants } from '../../core/releases/index.js';
import { releaseLookups } from '../../releases/lookups.js';
import type { DeploymentFilter } from '../../store/deployments.js';
import { resourcesRepository } from '../../store/resources.js';
import { authorize, visible } from '../access.js';
import { resolveActor } from '../actor.js';
import type { RouteSpec } from '../route.js';
import {
  changeScope,
  DEPLOYMENT,
  DEPLOYMENT_LIST,
  deploymentJson,
  deploymentSchema,
  deploymentScope,
  visiblePage,
  type ReleaseHttp,
  notFoundByName,
} from './release-http.js';
import { NEXT_CURSOR, NO_QUERY, parseQuery, SPACE_PARAM } from './resource-http.js';

const BASE = '/api/spaces/{space}/deployments';
// What a scope names when the request's target does not resolve: no restricted grant covers it.
const UNKNOWN = '(unknown)';
const ID_PARAMS = { ...SPACE_PARAM, id: 'The deployment id (`Deployments-...`).' };

const listQuery = z.strictObject(
  {
    project: z.string().min(1).optional().meta({ description: 'Only this project (id or name).' }),
    environment: z.string().min(1).optional().meta({ description: 'Only this environment (id or name).' }),
    tenant: z.string().min(1).optional().meta({ description: 'Only this tenant (id or name).' }),
    release: z.string().min(1).optional().meta({ description: 'Only this release (id).' }),
    state: z
      .string()
      .optional()
      .meta({ description: `Only these states, comma-separated (${DEPLOYMENT_STATES.join(', ')}).` }),
    limit: z.string().optional().meta({ description: 'Page size, 1..500 (default 50).' }),
    cursor: z.string().optional().meta({ description: '`nextCursor` of the previous page.' }),
  },
  { error: unknownFields('the query') },
);

/** POST /deployments/promote. */
export const promoteSchema = z.strictObject(
  {
    project: z.string({ error: 'project must be a string (an id or a name)' }).min(1),
    from: z.string({ error: 'from must be a string (an environment id or name)' }).min(1),
    to: z.string({ error: 'to must be a string (an environment id or name)' }).min(1),
    tenants: z.array(z.string().min(1), { error: 'tenants must be a list' }).optional(),
    tenantTags: z.array(z.string().min(1), { error: 'tenantTags must be a list' }).optional(),
  },
  { error: unknownFields('a promotion') },
);

const PAGE = {
  name: 'DeploymentPage',
  schema: z.object({ items: z.array(deploymentSchema), nextCursor: NEXT_CURSOR }),
};

/** The routes under /api/spaces/{space}/deployments (the log and interruptions are in their own files). */
export function deploymentRoutes(http: ReleaseHttp): RouteSpec[] {
  const { service, deployments } = http;
  const { db } = http.deps.store;
  const projects = resourcesRepository(db, http.deps.secrets, RESOURCE_KINDS.project);
  const tenants = resourcesRepository(db, http.deps.secrets, RESOURCE_KINDS.tenant);
  const look = releaseLookups(http.deps);
  /** The environment by name or id, or undefined. */
  const findEnvironment = (spaceId: string, nameOrId: string) =>
    look.environment(spaceId, nameOrId).catch(() => undefined);
  const scope = async (request: FastifyRequest): Promise<AccessScope> =>
    changeScope(async () => deploymentScope(await http.deployment(request)));
  // The project and environment a create names, checked before the handler (which checks each
  // tenant); a body that names neither is refused to callers limited to some of them.
  // The project × environment × tenants a create (or promotion) names, checked before the handler
  // (which checks each tenant again once it has resolved them). A body that names no project or
  // environment is refused to callers limited to some; tenants that do not resolve leave the
  // tenant unknown (the handler then answers 400 to those who may deploy anywhere).
  const targetScope = async (
    request: FastifyRequest,
    projectId: string | undefined,
    environmentId: string | undefined,
    body: { tenants?: unknown; tenantTags?: unknown },
  ): Promise<AccessScope> => {
    const base = { projectId: projectId ?? UNKNOWN, environmentId: environmentId ?? UNKNOWN };
    const strings = (v: unknown) =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    const names = strings(body.tenants);
    const tags = strings(body.tenantTags);
    if (names.length === 0 && tags.length === 0) return base;
    if (projectId === undefined || environmentId === undefined) return { ...base, tenantId: UNKNOWN };
    let chosen: { id: string }[];
    try {
      chosen = selectTenants(
        await look.tenantChoices(await http.spaceId(request)),
        { names, tags },
        projectId,
        environmentId,
      );
    } catch {
      chosen = [];
    }
    const [first, ...rest] = chosen;
    for (const t of rest) authorize(request, 'deployment.create', { ...base, tenantId: t.id });
    return { ...base, tenantId: first?.id ?? UNKNOWN };
  };
  const createScope = async (request: FastifyRequest): Promise<AccessScope> => {
    const body = (request.body ?? {}) as {
      release?: unknown;
      environment?: unknown;
      tenants?: unknown;
      tenantTags?: unknown;
    };
    if (typeof body.release !== 'string' || typeof body.environment !== 'string') return {};
    const spaceId = await http.spaceId(request);
    const release = await http.releases.get(spaceId, body.release).catch(() => undefined);
    const env = await findEnvironment(spaceId, body.environment);
    return targetScope(request, release?.projectId, env?.id, body);
  };
  const promoteScope = async (request: FastifyRequest): Promise<AccessScope> => {
    const body = (request.body ?? {}) as {
      project?: unknown;
      to?: unknown;
      tenants?: unknown;
      tenantTags?: unknown;
    };
    if (typeof body.project !== 'string' || typeof body.to !== 'string') return {};
    const spaceId = await http.spaceId(request);
    const project = await projects.find(spaceId, body.project);
    const env = await findEnvironment(spaceId, body.to);
    return targetScope(request, project?.id, env?.id, body);
  };
  const projectScope = async (request: FastifyRequest): Promise<AccessScope> => ({
    projectId: (await http.deployment(request)).projectId,
  });
  return [
    {
      method: 'POST',
      path: BASE,
      operationId: 'createDeployments',
      summary: 'Deploys a release to an environment: one deployment per tenant (or one untenanted), queued.',
      tag: 'deployments',
      params: SPACE_PARAM,
      body: { name: 'DeploymentCreate', schema: deploymentCreateSchema },
      // The project and environment here; each tenant in the handler once resolved.
      auth: { permission: 'deployment.create', scope: createScope },
      responses: {
        201: { description: 'The deployments created.', body: DEPLOYMENT_LIST },
        400: {
          description: 'Invalid input (each bad field named): release, tenants, prompted values, skipSteps.',
        },
        403: { description: 'Not allowed to deploy to that environment or tenant.' },
        404: { description: 'No such space or environment.' },
        409: { description: 'The lifecycle does not allow it yet (LIFECYCLE_REFUSED, with the reason).' },
      },
      handler: async (request, reply) => {
        const spaceId = await http.spaceId(request);
        const created = await service.deploy(spaceId, request.body, resolveActor(request), (s) =>
          authorize(request, 'deployment.create', s),
        );
        return reply.status(201).send({ items: created.map(deploymentJson) });
      },
    },
    {
      method: 'POST',
      path: `${BASE}/promote`,
      operationId: 'promoteRelease',
      summary: 'Deploys the release last deployed successfully to `from` (per tenant) to `to`.',
      tag: 'deployments',
      params: SPACE_PARAM,
      body: { name: 'Promotion', schema: promoteSchema },
      auth: { permission: 'deployment.create', scope: promoteScope },
      responses: {
        201: { description: 'The deployments created.', body: DEPLOYMENT_LIST },
        400: { description: 'Invalid input, or nothing to promote.' },
        403: { description: 'Not allowed to deploy to that environment or tenant.' },
        404: { description: 'No such space, project or environment.' },
        409: { description: 'The lifecycle does not allow it yet (LIFECYCLE_REFUSED).' },
      },
      handler: async (request, reply) => {
        const body = parseInput(promoteSchema, request.body, 'promotion');
        const created = await service.promote(
          await http.spaceId(request),
          {
            project: body.project,
            from: body.from,
            to: body.to,
            ...(body.tenants === undefined ? {} : { tenants: body.tenants }),
            ...(body.tenantTags === undefined ? {} : { tenantTags: body.tenantTags }),
          },
          resolveActor(request),
          (s) => authorize(request, 'deployment.create', s),
        );
        return reply.status(201).send({ items: created.map(deploymentJson) });
      },
    },
    {
      method: 'GET',
      path: BASE,
      operationId: 'listDeployments',
      summary: 'Deployments, newest first, of the projects you may see.',
      tag: 'deployments',
      params: SPACE_PARAM,
      query: listQuery,
      auth: { permission: 'project.view' },
      responses: {
        200: { description: 'A page; follow `nextCursor` for the next one.', body: PAGE },
        400: { description: 'A bad query parameter (named in the message).' },
        404: { description: 'No such space, project, environment or tenant.' },
      },
      handler: async (request) => {
        const q = parseQuery(listQuery, request);
        const spaceId = await http.spaceId(request);
        const filter: DeploymentFilter = {};
        if (q.project !== undefined) {
          const p = await projects.find(spaceId, q.project);
          if (!p) throw notFoundByName('project', q.project);
          authorize(request, 'project.view', { projectId: p.id });
          filter.projectId = p.id;
        }
        if (q.environment !== undefined) {
          const e = await findEnvironment(spaceId, q.environment);
          if (!e) throw notFoundByName('environment', q.environment);
          filter.environmentId = e.id;
        }
        if (q.tenant !== undefined) {
          const t = await tenants.find(spaceId, q.tenant);
          if (!t) throw notFoundByName('tenant', q.tenant);
          filter.tenantId = t.id;
        }
        if (q.release !== undefined) filter.releaseId = q.release;
        if (q.state !== undefined) {
          const states = q.state.split(',').map((s) => s.trim());
          const bad = states.filter((s) => !(DEPLOYMENT_STATES as readonly string[]).includes(s));
          if (bad.length > 0) {
            throw new SlipwayError(
              'INVALID_INPUT',
              `query.state: unknown state ${bad.map((s) => `"${s}"`).join(', ')} (states: ${DEPLOYMENT_STATES.join(', ')})`,
              { data: { issues: bad.map((s) => `query.state: unknown state "${s}"`) } },
            );
          }
          filter.states = states as DeploymentState[];
        }
        const page = await deployments.list(
          spaceId,
          {
            ...(q.limit === undefined ? {} : { limit: q.limit }),
            ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
          },
          filter,
        );
        return visiblePage(page, visible(request, 'project.view', 'projectIds'), deploymentJson);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/{id}`,
      operationId: 'getDeployment',
      summary: 'One deployment and its task state.',
      tag: 'deployments',
      params: ID_PARAMS,
      query: NO_QUERY,
      auth: { permission: 'project.view', scope: projectScope },
      responses: {
        200: { description: 'The deployment.', body: DEPLOYMENT },
        404: { description: 'No such space or deployment.' },
      },
      handler: async (request) => {
        parseQuery(NO_QUERY, request);
        return deploymentJson(await http.deployment(request));
      },
    },
    {
      method: 'POST',
      path: `${BASE}/{id}/cancel`,
      operationId: 'cancelDeployment',
      summary: 'Asks a deployment to stop: queued ones end at once, running ones within seconds.',
      tag: 'deployments',
      params: ID_PARAMS,
      auth: { permission: 'task.cancel', scope },
      responses: {
        202: { description: 'Cancelling (or canceled); the deployment as it is now.', body: DEPLOYMENT },
        404: { description: 'No such space or deployment.' },
        409: { description: 'The deployment has already finished (CONFLICT).' },
      },
      handler: async (request, reply) => {
        const d = await http.deployment(request);
        if (isFinalState(d.state)) {
          throw new SlipwayError(
            'CONFLICT',
            `Deployment ${d.id} has already finished (${d.state}); there is nothing to cancel.`,
            {
              data: { deployment: d.id, state: d.state },
            },
          );
        }
        const engine = http.deps.engine;
        if (engine) await engine.cancel(d.id);
        else if (
          !(await deployments.transition(d.id, ['queued'], 'canceled', {
            error: `Canceled by ${resolveActor(request).actor}`,
          }))
        ) {
          throw new SlipwayError(
            'CONFLICT',
            `Deployment ${d.id} is running and this server runs no engine to stop it.`,
            {
              data: { deployment: d.id },
            },
          );
        }
        return reply.status(202).send(deploymentJson(await deployments.get(d.spaceId, d.id)));
      },
    },
  ];
}
