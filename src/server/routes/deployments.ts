/**
 * Deployments of a space: create (one per tenant, each authorised in its project × environment ×
 * tenant), promote, list, read and cancel.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SlipwayError } from '../../core/errors.js';
import { RESOURCE_KINDS } from '../../core/model/kinds/index.js';
import { parseInput, unknownFields } from '../../core/model/parse.js';
import { allows, type AccessScope } from '../../core/model/permissions.js';
import { literalTemplate } from '../../core/template/literal.js';
import {
  DEPLOYMENT_STATES,
  deploymentCreateSchema,
  isFinalState,
  type DeploymentState,
} from '../../core/model/release.js';
import { authorised } from '../../releases/deploy.js';
import type { DeploymentBatch } from '../../releases/deployment-plan.js';
import type { DeploymentPlan, DeploymentRequest } from '../../releases/deployment-plan.js';
import { releaseLookups } from '../../releases/lookups.js';
import { promotionSchema, type PromotionRequest } from '../../releases/promote.js';
import type { DeploymentFilter } from '../../store/deployments.js';
import { resourcesRepository } from '../../store/resources.js';
import { authorize, grantsOf, visible } from '../access.js';
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

/**
 * What a body that does not parse still names, read leniently: enough to find the scopes it
 * targets, so a caller outside them hears 403 rather than the body's errors.
 */
const deploymentTarget = z.object({
  release: z.string().min(1),
  environment: z.string().min(1),
  tenants: z.array(z.string()).catch([]),
  tenantTags: z.array(z.string()).catch([]),
});
const promotionTarget = z.object({
  project: z.string().min(1),
  from: z.string().catch(''),
  to: z.string().min(1),
  tenants: z.array(z.string()).catch([]),
  tenantTags: z.array(z.string()).catch([]),
});

const PAGE = {
  name: 'DeploymentPage',
  schema: z.object({ items: z.array(deploymentSchema), nextCursor: NEXT_CURSOR }),
};

/** The routes under /api/spaces/{space}/deployments (the log and interruptions are in their own files). */

/**
 * A deployer who may not edit the project's variables may not write templates either: their
 * prompted values are taken as plain text (`#{Secret | ToLower}` stays that text), so a prompted
 * value cannot read a variable its author may not see.
 */
function literalPrompts(request: FastifyRequest, batch: DeploymentBatch): DeploymentBatch {
  const grants = grantsOf(request);
  return {
    ...batch,
    deployments: batch.deployments.map((d) =>
      allows(grants, 'project.edit', { projectId: d.projectId })
        ? d
        : {
            ...d,
            prompted: Object.fromEntries(
              Object.entries(d.prompted).map(([name, value]) => [
                name,
                literalTemplate(value, `deployment.prompted.${name}`),
              ]),
            ),
          },
    ),
  };
}

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

  // One resolution per request: the body is parsed here, once; the service reads what it names
  // (once each) and decides; the auth hook authorises every scope of that plan, and the handler
  // throws its refusal or has the service store it. A body that does not parse is planned from
  // what it does name, for the scopes only, and refused with its parse errors.
  const refusedBody = (e: unknown): DeploymentPlan['outcome'] => {
    if (e instanceof SlipwayError) return { refusal: e };
    throw e;
  };
  const createPlan = (request: FastifyRequest): Promise<DeploymentPlan> =>
    http.perRequest(request, 'deployment plan', async () => {
      const spaceId = await http.spaceId(request);
      let body: DeploymentRequest;
      try {
        body = parseInput(deploymentCreateSchema, request.body, 'deployment');
      } catch (e) {
        const outcome = refusedBody(e);
        const target = deploymentTarget.safeParse(request.body);
        if (!target.success) return { scopes: [{}], outcome };
        const lenient = { prompted: {}, skipSteps: [], comments: '', force: false, ...target.data };
        return { scopes: (await service.planDeployments(spaceId, lenient)).scopes, outcome };
      }
      return service.planDeployments(spaceId, body);
    });
  const promotionPlan = (request: FastifyRequest): Promise<DeploymentPlan> =>
    http.perRequest(request, 'promotion plan', async () => {
      const spaceId = await http.spaceId(request);
      let body: PromotionRequest;
      try {
        body = parseInput(promotionSchema, request.body, 'promotion');
      } catch (e) {
        const outcome = refusedBody(e);
        const target = promotionTarget.safeParse(request.body);
        if (!target.success) return { scopes: [{}], outcome };
        return { scopes: (await service.planPromotion(spaceId, target.data)).scopes, outcome };
      }
      return service.planPromotion(spaceId, body);
    });
  // The hook checks the first scope (its refusal names the project, environment and tenant);
  // the others here.
  const planScope =
    (plan: (request: FastifyRequest) => Promise<DeploymentPlan>) =>
    async (request: FastifyRequest): Promise<AccessScope> => {
      const [first = {}, ...rest] = (await plan(request)).scopes;
      for (const s of rest) authorize(request, 'deployment.create', s);
      return first;
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
      // Every project × environment × tenant of the request, before the handler says more.
      auth: { permission: 'deployment.create', scope: planScope(createPlan) },
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
        const batch = literalPrompts(request, authorised(await createPlan(request)));
        const created = await service.storeDeployments(
          await http.spaceId(request),
          batch,
          resolveActor(request),
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
      body: { name: 'Promotion', schema: promotionSchema },
      auth: { permission: 'deployment.create', scope: planScope(promotionPlan) },
      responses: {
        201: { description: 'The deployments created.', body: DEPLOYMENT_LIST },
        400: { description: 'Invalid input, or nothing to promote.' },
        403: { description: 'Not allowed to deploy to that environment or tenant.' },
        404: { description: 'No such space, project or environment.' },
        409: { description: 'The lifecycle does not allow it yet (LIFECYCLE_REFUSED).' },
      },
      handler: async (request, reply) => {
        const batch = literalPrompts(request, authorised(await promotionPlan(request)));
        const created = await service.storeDeployments(
          await http.spaceId(request),
          batch,
          resolveActor(request),
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
