/**
 * GET /api/spaces/{space}/projects/{project}/process/steps/{step}/cloudformation: the stack a
 * "Deploy Amazon ECS Service" step deploys, as a CloudFormation template to keep or run elsewhere
 * (YAML by default, or JSON). Images are written as `#{Octopus.Action.Package[<ref>].Image}`; with
 * `environment` (and `tenant`) the step's `#{...}` values are evaluated with that scope's variables,
 * sensitive ones excepted (cloudformation-scope.ts). Needs project.view in the scope it names.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  EXPORT_FORMATS,
  exportServiceStack,
  formatServiceStack,
  withEvaluatedNumbers,
  type DeployServiceAction,
} from '../../core/cfn/index.js';
import type { ProcessStep } from '../../core/deployments/index.js';
import { SlipwayError, UserInputError } from '../../core/errors.js';
import { ecsDeployServiceActionSchema } from '../../core/model/kinds/deploy-service.js';
import { RESOURCE_KINDS } from '../../core/model/kinds/index.js';
import type { Environment } from '../../core/model/environment.js';
import { parseInput, unknownFields } from '../../core/model/parse.js';
import type { Resource } from '../../core/model/resource.js';
import { environmentsRepository } from '../../store/environments.js';
import { resourcesRepository } from '../../store/resources.js';
import type { ServerDeps } from '../deps.js';
import { param, type RouteSpec } from '../route.js';
import { evaluateForExport, exportVariables } from './cloudformation-scope.js';
import { PROJECT_PARAM, SPACE_PARAM, parseQuery, pathResolver } from './resource-http.js';

const querySchema = z.strictObject(
  {
    format: z
      .enum(EXPORT_FORMATS, { error: 'format must be "yaml" or "json"' })
      .default('yaml')
      .meta({ description: '`yaml` (default) or `json`.' }),
    environment: z
      .string({ error: 'environment must be a string' })
      .min(1, { error: 'environment must not be empty' })
      .optional()
      .meta({ description: "Evaluate the step's values with this environment's variables (id or name)." }),
    tenant: z
      .string({ error: 'tenant must be a string' })
      .min(1, { error: 'tenant must not be empty' })
      .optional()
      .meta({
        description: 'With environment: evaluate for this tenant (id or name) too; absent = untenanted.',
      }),
  },
  { error: unknownFields('the query') },
);

const templateSchema = z
  .object({
    AWSTemplateFormatVersion: z.literal('2010-09-09'),
    Parameters: z.record(z.string(), z.object({ Type: z.enum(['String', 'Number']), Default: z.unknown() })),
    Resources: z.record(z.string(), z.unknown()),
  })
  .meta({
    description:
      'The CloudFormation template (format=json); format=yaml answers the same as application/yaml.',
  });

/** The cloudformation export route. */
export function cloudFormationExportRoutes(deps: ServerDeps): RouteSpec[] {
  const resolve = pathResolver(deps);
  const processes = resourcesRepository(deps.store.db, deps.secrets, RESOURCE_KINDS.process);
  const tenants = resourcesRepository(deps.store.db, deps.secrets, RESOURCE_KINDS.tenant);
  const librarySets = resourcesRepository(deps.store.db, deps.secrets, RESOURCE_KINDS['library-set']);
  const environments = environmentsRepository(deps.store.db);
  const lookups = new WeakMap<FastifyRequest, Promise<{ environment?: Environment; tenant?: Resource }>>();

  /** The query's environment and tenant, resolved once per request (scope and handler share it). */
  const scopeOf = (request: FastifyRequest) => {
    let found = lookups.get(request);
    if (!found) {
      found = (async () => {
        const q = parseQuery(querySchema, request);
        if (q.tenant !== undefined && q.environment === undefined) {
          throw new UserInputError(
            'query.tenant needs query.environment: a tenant is evaluated in one environment.',
          );
        }
        if (q.environment === undefined) return {};
        const space = await resolve.space(request);
        const environment =
          (await environments.findByName(space.id, q.environment)) ??
          (await environments.get(space.id, q.environment));
        if (q.tenant === undefined) return { environment };
        const tenant = await tenants.find(space.id, q.tenant);
        if (!tenant) {
          throw new SlipwayError('NOT_FOUND', `There is no tenant "${q.tenant}" in space "${space.name}".`, {
            data: { entity: 'tenant', id: q.tenant },
          });
        }
        return { environment, tenant };
      })();
      lookups.set(request, found);
    }
    return found;
  };

  return [
    {
      method: 'GET',
      path: '/api/spaces/{space}/projects/{project}/process/steps/{step}/cloudformation',
      operationId: 'exportStepCloudFormation',
      summary:
        "A Deploy Amazon ECS Service step's stack as a CloudFormation template (YAML or JSON), optionally evaluated for an environment and tenant.",
      tag: 'projects',
      params: { ...SPACE_PARAM, ...PROJECT_PARAM, step: "The step's name (ignoring case)." },
      query: querySchema,
      auth: {
        permission: 'project.view',
        scope: async (request) => {
          const project = await resolve.project(request);
          const { environment, tenant } = await scopeOf(request);
          return {
            projectId: project.id,
            ...(environment ? { environmentId: environment.id } : {}),
            ...(tenant ? { tenantId: tenant.id } : {}),
          };
        },
      },
      responses: {
        200: {
          description:
            'The template: application/yaml for format=yaml, JSON for format=json. Sensitive values stay `#{...}` expressions.',
          body: { name: 'CloudFormationTemplate', schema: templateSchema },
        },
        400: { description: 'A bad query, a step of another type, or a value that evaluated to no number.' },
        404: { description: 'No such space, project, step, environment or tenant.' },
      },
      handler: async (request, reply) => {
        const q = parseQuery(querySchema, request);
        const space = await resolve.space(request);
        const project = await resolve.project(request);
        const process = await processes.getSingleton(space.id, project.id);
        const steps = Array.isArray(process.data.steps) ? (process.data.steps as ProcessStep[]) : [];
        const name = param(request, 'step');
        const step = steps.find((s) => s.name.toLowerCase() === name.toLowerCase());
        if (!step) {
          throw new SlipwayError(
            'NOT_FOUND',
            `Project "${project.name}" has no step "${name}" (its steps: ${steps.map((s) => `"${s.name}"`).join(', ') || 'none'}).`,
            { data: { entity: 'step', id: name } },
          );
        }
        if (step.action.type !== 'ecs-deploy-service') {
          throw new UserInputError(
            `Step "${step.name}" is a "${step.action.type}" step; only "ecs-deploy-service" (Deploy Amazon ECS Service) steps render a CloudFormation stack.`,
          );
        }
        let action: unknown = step.action;
        const { environment, tenant } = await scopeOf(request);
        if (environment) {
          const sets = Array.isArray(project.data.librarySets) ? (project.data.librarySets as string[]) : [];
          const variables = await exportVariables(deps, {
            spaceId: space.id,
            project,
            librarySets: await Promise.all(sets.map((id) => librarySets.find(space.id, id))),
            step,
            environment,
            ...(tenant ? { tenant } : {}),
          });
          action = withEvaluatedNumbers(await evaluateForExport(step.action, variables));
        }
        const checked: DeployServiceAction = parseInput(
          ecsDeployServiceActionSchema,
          action,
          `step "${step.name}"`,
        );
        const template = exportServiceStack(checked);
        if (q.format === 'json') return template;
        return reply.type('application/yaml; charset=utf-8').send(formatServiceStack(template, 'yaml'));
      },
    },
  ];
}
