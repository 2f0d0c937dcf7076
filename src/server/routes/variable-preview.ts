/**
 * GET /api/spaces/{space}/projects/{project}/variables/preview: what each of the project's variables
 * resolves to for an environment (and tenant, channel, target, step), which scoped value won and why.
 *
 * It runs the deployment's own code: the project's current variables exactly as a release would
 * freeze them (store/release-snapshot's currentVariables: project, then included library sets in
 * include order), the tenant's template values (defaults where the tenant set none), layered by
 * core's stepVariables with the context core's evaluationContext builds, and the candidates ranked
 * by core's rankCandidates; a value holding #{...} is also rendered as a step renders it. Sensitive
 * values never leave: the chosen ones and every value holding or derived from one are masked, and
 * losing sensitive candidates too.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  evaluationContext,
  stepVariables,
  type DeploymentFacts,
  type EvaluationInput,
  type ProcessStep,
  type TargetInfo,
} from '../../core/deployments/index.js';
import { SlipwayError, UserInputError } from '../../core/errors.js';
import { RESOURCE_KINDS } from '../../core/model/kinds/index.js';
import { unknownFields } from '../../core/model/parse.js';
import type { Resource } from '../../core/model/resource.js';
import { candidatesFor, rankCandidates } from '../../core/variables/index.js';
import { createMasker } from '../../core/variables/mask.js';
import type { ScopedVariable } from '../../core/variables/types.js';
import { loadTenantValues, targetInfo } from '../../jobs/facts.js';
import { inTransaction } from '../../store/audit.js';
import { environmentsRepository } from '../../store/environments.js';
import { currentVariables } from '../../store/release-snapshot.js';
import { resourcesRepository } from '../../store/resources.js';
import type { ServerDeps } from '../deps.js';
import type { RouteSpec } from '../route.js';
import { PROJECT_PARAM, SPACE_PARAM, parseQuery, pathResolver } from './resource-http.js';
import { dimensionsText, explainWinner } from './variable-preview-explain.js';
import { addRenderings } from './variable-preview-render.js';

/** What the preview shows in place of a sensitive value. */
export const MASK = '********';

const ref = (what: string, description: string) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, { error: `${what} must not be empty` })
    .meta({ description });

const querySchema = z.strictObject(
  {
    environment: ref('environment', 'The environment (id or name). Required.').optional(),
    tenant: ref('tenant', 'The tenant (id or name); absent = an untenanted deployment.').optional(),
    channel: ref(
      'channel',
      "The project's channel (id or name); absent = the project's default channel.",
    ).optional(),
    target: ref(
      'target',
      'An ECS target (id or name): evaluate per target, as a step on it does.',
    ).optional(),
    step: ref('step', "A step of the project's process (name); absent = the first step.").optional(),
  },
  { error: unknownFields('the query') },
);

const scopeSchema = z.object({
  environments: z.array(z.string()).optional(),
  targets: z.array(z.string()).optional(),
  roles: z.array(z.string()).optional(),
  steps: z.array(z.string()).optional(),
  channels: z.array(z.string()).optional(),
  tenants: z.array(z.string()).optional(),
  tenantTags: z.array(z.string()).optional(),
  processes: z.array(z.string()).optional(),
});
const sourceSchema = z.object({
  kind: z.enum(['project', 'library', 'tenant', 'template-default', 'system']),
  setId: z.string().optional(),
  setName: z.string().optional(),
});
const candidateSchema = z.object({
  id: z.string(),
  value: z.string().meta({ description: `The value; ${MASK} for a sensitive one.` }),
  type: z.string(),
  scope: scopeSchema,
  source: sourceSchema,
  matchedOn: z
    .string()
    .meta({ description: 'The dimensions it matched on, best-ranked first, or "unscoped".' }),
});
const previewSchema = z.object({
  context: z.object({
    environment: z.object({ id: z.string(), name: z.string() }),
    tenant: z.object({ id: z.string(), name: z.string(), tags: z.array(z.string()) }).optional(),
    channel: z.object({ id: z.string(), name: z.string() }).optional(),
    target: z.object({ id: z.string(), name: z.string(), roles: z.array(z.string()) }).optional(),
    step: z.object({ name: z.string(), roles: z.array(z.string()) }).optional(),
  }),
  variables: z.array(
    z.object({
      name: z.string(),
      value: z
        .string()
        .nullable()
        .meta({ description: `The resolved value (${MASK} when sensitive); null when no value matches.` }),
      sensitive: z.boolean(),
      source: sourceSchema.optional(),
      winner: z
        .string()
        .optional()
        .meta({ description: 'The id of the chosen variable (project or library).' }),
      reason: z.string().meta({ description: 'Why this value (or why none).' }),
      rendered: z
        .object({
          value: z.string().nullable().meta({
            description: 'The value with its #{...} rendered (secrets masked); null when it cannot be.',
          }),
          missing: z.array(z.string()).meta({ description: 'References with no value here, as written.' }),
          problem: z.string().optional().meta({ description: 'Why it cannot be rendered (syntax, cycle).' }),
        })
        .optional()
        .meta({
          description: 'For a value holding #{...}: what a step sees, rendered as a step renders it.',
        }),
      prompt: z.object({ label: z.string(), required: z.boolean() }).optional(),
      candidates: z.array(candidateSchema).meta({ description: 'Every matching value, winner first.' }),
    }),
  ),
});
type Preview = z.output<typeof previewSchema>;
type PreviewVariable = Preview['variables'][number];
type Candidate = z.output<typeof candidateSchema>;

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** A deployment-level evaluation when the process has no step (step-scoped values then never match). */
const NO_STEP: ProcessStep = {
  name: '',
  condition: 'success',
  startTrigger: 'after-previous',
  roles: [],
  environments: [],
  excludedEnvironments: [],
  channels: [],
  tenantTags: [],
  disabled: false,
  required: false,
  action: { type: 'none', packages: [] },
};

/** The variable preview route. */
export function variablePreviewRoutes(deps: ServerDeps): RouteSpec[] {
  const resolve = pathResolver(deps);
  const repo = (kind: keyof typeof RESOURCE_KINDS) =>
    resourcesRepository(deps.store.db, deps.secrets, RESOURCE_KINDS[kind]);
  const environments = environmentsRepository(deps.store.db);

  const notFound = (entity: string, value: string, where: string) =>
    new SlipwayError('NOT_FOUND', `There is no ${entity} "${value}" in ${where}; name it by id or by name.`, {
      data: { entity, id: value },
    });

  /** The query's environment and tenant, found once per request (the scope check and the handler share them). */
  const lookups = new WeakMap<
    FastifyRequest,
    Promise<{ environment?: { id: string; name: string }; tenant?: Resource }>
  >();
  const scopeOf = (request: FastifyRequest) => {
    let found = lookups.get(request);
    if (!found) {
      found = (async () => {
        // Read leniently here: a malformed query is the handler's 400, after the permission check.
        const raw = (request.query ?? {}) as Record<string, unknown>;
        const space = await resolve.space(request);
        const out: { environment?: { id: string; name: string }; tenant?: Resource } = {};
        if (typeof raw.environment === 'string' && raw.environment !== '') {
          out.environment =
            (await environments.findByName(space.id, raw.environment)) ??
            (await environments.get(space.id, raw.environment));
        }
        if (typeof raw.tenant === 'string' && raw.tenant !== '') {
          const tenant = await repo('tenant').find(space.id, raw.tenant);
          if (!tenant) throw notFound('tenant', raw.tenant, `space "${space.name}"`);
          out.tenant = tenant;
        }
        return out;
      })();
      lookups.set(request, found);
    }
    return found;
  };

  return [
    {
      method: 'GET',
      path: '/api/spaces/{space}/projects/{project}/variables/preview',
      operationId: 'previewProjectVariables',
      summary:
        "What each of the project's variables resolves to for an environment, tenant, channel, target and step, which value won and why.",
      tag: 'variables',
      params: { ...SPACE_PARAM, ...PROJECT_PARAM },
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
          description: `Each variable's resolved value (sensitive ones as ${MASK}), its candidates and the reason.`,
          body: { name: 'VariablePreview', schema: previewSchema },
        },
        400: { description: 'A bad query (environment missing, unknown parameter).' },
        404: { description: 'No such space, project, environment, tenant, channel, target or step.' },
      },
      handler: async (request): Promise<Preview> => {
        const q = parseQuery(querySchema, request);
        if (q.environment === undefined) {
          throw new UserInputError(
            'query.environment is required: the preview resolves the variables for one environment (id or name).',
          );
        }
        const space = await resolve.space(request);
        const project = await resolve.project(request);
        const { environment, tenant } = await scopeOf(request);
        if (!environment) throw new UserInputError('query.environment must not be empty.');
        const where = `project "${project.name}"`;

        const channels = (await repo('channel').list(space.id, { limit: 500 }, { parentId: project.id }))
          .items;
        const channel =
          q.channel === undefined
            ? (channels.find((c) => c.data.isDefault === true) ??
              (channels.length === 1 ? channels[0] : undefined))
            : channels.find((c) => c.id === q.channel || c.name.toLowerCase() === q.channel?.toLowerCase());
        if (q.channel !== undefined && !channel) throw notFound('channel', q.channel, where);

        const process = await repo('process').getSingleton(space.id, project.id);
        const steps = Array.isArray(process.data.steps) ? (process.data.steps as ProcessStep[]) : [];
        const step =
          q.step === undefined ? steps[0] : steps.find((s) => s.name.toLowerCase() === q.step?.toLowerCase());
        if (!step) {
          if (q.step !== undefined) {
            throw new SlipwayError(
              'NOT_FOUND',
              `${where} has no step "${q.step}" (its steps: ${steps.map((s) => `"${s.name}"`).join(', ') || 'none'}).`,
              { data: { entity: 'step', id: q.step } },
            );
          }
        }
        let target: TargetInfo | undefined;
        if (q.target !== undefined) {
          const found = await repo('ecs-target').find(space.id, q.target);
          if (!found) throw notFound('ECS target', q.target, `space "${space.name}"`);
          target = targetInfo(found);
        }

        const snapshot = await inTransaction(deps.store.db, (trx) =>
          currentVariables(trx, deps.secrets, space.id, project.id, undefined),
        );
        const sets = await Promise.all(
          strings(project.data.librarySets).map((id) => repo('library-set').find(space.id, id)),
        );
        const tenantLayer = tenant
          ? await loadTenantValues(deps.store, deps.secrets, {
              spaceId: space.id,
              project,
              librarySets: sets,
              tenantId: tenant.id,
              environmentId: environment.id,
            })
          : { values: {}, sensitive: [], defaults: new Set<string>() };

        const evaluated = step ?? NO_STEP;
        const facts: DeploymentFacts = {
          deploymentId: '',
          deploymentName: '',
          createdBy: '',
          project: { id: project.id, name: project.name },
          environment: { id: environment.id, name: environment.name },
          release: {
            id: '',
            version: '',
            notes: '',
            channel: { id: channel?.id ?? '', name: channel?.name ?? '' },
          },
          ...(tenant
            ? { tenant: { id: tenant.id, name: tenant.name, tags: strings(tenant.data.tags) } }
            : {}),
          process: { steps: [evaluated] },
          packages: [],
          registries: {},
          skippedSteps: [],
          targets: target ? [target] : [],
        };
        const input: EvaluationInput = {
          facts,
          snapshot,
          tenantValues: tenantLayer.values,
          sensitiveTenantValues: tenantLayer.sensitive,
          prompted: {},
          outputs: {},
          step: {
            index: 0,
            name: evaluated.name,
            group: 0,
            targetIds: [],
            condition: 'success',
            required: false,
          },
          ...(target ? { target } : {}),
        };
        const result = stepVariables(input);
        const context = evaluationContext(input, evaluated);

        const variables = describe(snapshot, tenantLayer, result, (name) =>
          rankCandidates(candidatesFor(snapshot, context, name)),
        );
        await addRenderings(variables, result);
        return {
          context: {
            environment: { id: environment.id, name: environment.name },
            ...(tenant
              ? { tenant: { id: tenant.id, name: tenant.name, tags: strings(tenant.data.tags) } }
              : {}),
            ...(channel ? { channel: { id: channel.id, name: channel.name } } : {}),
            ...(target ? { target: { id: target.id, name: target.name, roles: target.roles } } : {}),
            ...(step ? { step: { name: step.name, roles: step.roles } } : {}),
          },
          variables,
        };
      },
    },
  ];
}

/** Each name of the snapshot and the tenant layer, in order of first appearance, with its answer. */
function describe(
  snapshot: readonly ScopedVariable[],
  tenantLayer: { values: Record<string, string>; sensitive: readonly string[]; defaults: Set<string> },
  result: { values: Record<string, string>; sensitive: string[] },
  ranked: (name: string) => ReturnType<typeof rankCandidates>,
): PreviewVariable[] {
  const masker = createMasker(result.sensitive);
  const finalValues = new Map(Object.entries(result.values).map(([k, v]) => [k.toLowerCase(), v]));
  const tenantKeys = new Map(Object.keys(tenantLayer.values).map((k) => [k.toLowerCase(), k]));
  const secretTemplates = new Set(tenantLayer.sensitive.map((n) => n.toLowerCase()));
  const names = new Map<string, string>();
  for (const v of snapshot) if (!names.has(v.name.toLowerCase())) names.set(v.name.toLowerCase(), v.name);
  for (const [key, name] of tenantKeys) if (!names.has(key)) names.set(key, name);

  const show = (value: string, sensitive: boolean) =>
    sensitive ? (value === '' ? '' : MASK) : masker.mask(value);
  const out: PreviewVariable[] = [];
  for (const [key, name] of names) {
    const candidates = ranked(name);
    const list: Candidate[] = candidates.map((c) => ({
      id: c.variable.id,
      value: show(c.variable.value, c.variable.type === 'sensitive'),
      type: c.variable.type,
      scope: c.variable.scope,
      source:
        c.variable.source.kind === 'project'
          ? { kind: 'project' }
          : { kind: 'library', setId: c.variable.source.setId, setName: c.variable.source.setName },
      matchedOn: dimensionsText(c.match.dimensions),
    }));
    const winner = candidates[0]?.variable;
    const finalValue = finalValues.get(key);
    const variableSecret = snapshot.some((v) => v.name.toLowerCase() === key && v.type === 'sensitive');
    const base = { name, candidates: list };
    if (finalValue === undefined) {
      out.push({
        ...base,
        value: null,
        sensitive: variableSecret,
        reason:
          'No value matches this context: each value is scoped to something else (a tenant- or tenant-tag-scoped ' +
          'value never reaches an untenanted deployment). A template that uses it would report it missing.',
      });
      continue;
    }
    if (tenantKeys.has(key)) {
      const sensitive = secretTemplates.has(key) || variableSecret;
      const isDefault = tenantLayer.defaults.has(key);
      out.push({
        ...base,
        value: show(finalValue, sensitive),
        sensitive,
        source: { kind: isDefault ? 'template-default' : 'tenant' },
        reason: isDefault
          ? "The tenant set no value for this variable template, so the template's default applies; it beats every project or library value."
          : "The tenant's value for this variable template: a tenant value beats every project or library value.",
      });
      continue;
    }
    const sensitive = winner?.type === 'sensitive';
    if (winner === undefined || finalValue !== winner.value) {
      out.push({
        ...base,
        value: show(finalValue, sensitive),
        sensitive,
        source: { kind: 'system' },
        reason: 'A system variable of this name replaces every project or library value.',
      });
      continue;
    }
    out.push({
      ...base,
      value: show(finalValue, sensitive),
      sensitive,
      source:
        winner.source.kind === 'project'
          ? { kind: 'project' }
          : { kind: 'library', setId: winner.source.setId, setName: winner.source.setName },
      winner: winner.id,
      reason: explainWinner(candidates),
      ...(winner.prompt ? { prompt: { label: winner.prompt.label, required: winner.prompt.required } } : {}),
    });
  }
  return out;
}
