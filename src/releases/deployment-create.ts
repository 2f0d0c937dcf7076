/**
 * Creating deployments of a release: the environment, the tenants the project's tenanted mode
 * allows, the lifecycle per tenant, prompted values, skipped steps, guided failure; all checked
 * before any deployment is stored, so a request creates all of its deployments or none.
 */
import { SlipwayError } from '../core/errors.js';
import type { Environment } from '../core/model/environment.js';
import { parseInput } from '../core/model/parse.js';
import type { AccessScope } from '../core/model/permissions.js';
import { deploymentCreateSchema, type Deployment, type Release } from '../core/model/release.js';
import type { Resource } from '../core/model/resource.js';
import {
  selectTenants,
  type EffectivePhase,
  type LifecycleDecision,
  type TenantChoice,
} from '../core/releases/index.js';
import type { Actor } from '../store/audit.js';
import type { DeploymentsRepository } from '../store/deployments.js';
import type { ReleasesRepository } from '../store/releases.js';
import { stepsOf, type ReleaseLookups } from './lookups.js';
import type { ReleaseServiceDeps } from './service.js';

/** A lifecycle decision with what it was made over. */
export interface Progression {
  decision: LifecycleDecision;
  phases: EffectivePhase[];
  environments: Environment[];
}

/** What deployRelease reads and writes through. */
export interface DeployContext {
  deps: ReleaseServiceDeps;
  look: ReleaseLookups;
  releases: ReleasesRepository;
  deployments: DeploymentsRepository;
}

/** Throws (FORBIDDEN) when the caller may not deploy in this scope; the API passes its authorize(). */
export type ScopeCheck = (scope: AccessScope) => void;

const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

/** The release named by id; INVALID_INPUT (not NOT_FOUND) when `release` is not one, saying how to find it. */
async function releaseById(ctx: DeployContext, spaceId: string, id: string): Promise<Release> {
  try {
    return await ctx.releases.get(spaceId, id);
  } catch (e) {
    if (e instanceof SlipwayError && e.code === 'NOT_FOUND') {
      throw new SlipwayError(
        'INVALID_INPUT',
        `deployment.release: "${id}" is not a release id in this space; find the id of a version with ` +
          `GET /api/spaces/{space}/releases?project=<project>&version=<version>.`,
        { cause: e, data: { issues: [`deployment.release: no release "${id}"`] } },
      );
    }
    throw e;
  }
}

/** True when the tenant's tags satisfy `required` (OR within a tag set, AND across sets); none = any. */
function tagsAllow(tenantTags: readonly string[], required: readonly string[]): boolean {
  const have = new Set(tenantTags.map((t) => t.toLowerCase()));
  const bySet = new Map<string, string[]>();
  for (const tag of required) {
    const set = tag.slice(0, tag.indexOf('/')).toLowerCase();
    bySet.set(set, [...(bySet.get(set) ?? []), tag.toLowerCase()]);
  }
  return [...bySet.values()].every((tags) => tags.some((t) => have.has(t)));
}

/** The tenants of the deployment (undefined = one untenanted deployment), per the project's tenanted mode. */
async function tenantsFor(
  ctx: DeployContext,
  spaceId: string,
  project: Resource,
  channel: Resource,
  environment: Environment,
  request: { tenants: string[]; tenantTags: string[] },
): Promise<(TenantChoice | undefined)[]> {
  const mode = (project.data.tenantedMode as string | undefined) ?? 'untenanted';
  const wants = request.tenants.length > 0 || request.tenantTags.length > 0;
  if (!wants) {
    if (mode === 'tenanted') {
      throw new SlipwayError(
        'INVALID_INPUT',
        `deployment.tenants: project "${project.name}" is tenanted: name tenants (["*"] for every tenant ` +
          `connected to ${environment.name}) or tenantTags.`,
        { data: { issues: ['deployment.tenants: required for a tenanted project'] } },
      );
    }
    return [undefined];
  }
  if (mode === 'untenanted') {
    throw new SlipwayError(
      'INVALID_INPUT',
      `deployment.tenants: project "${project.name}" is untenanted: leave out tenants and tenantTags ` +
        `(or make the project tenanted).`,
      { data: { issues: ['deployment.tenants: not allowed for an untenanted project'] } },
    );
  }
  const chosen = selectTenants(
    await ctx.look.tenantChoices(spaceId),
    { names: request.tenants, tags: request.tenantTags },
    project.id,
    environment.id,
  );
  if (chosen.length === 0) {
    throw new SlipwayError(
      'INVALID_INPUT',
      `deployment.tenants: no tenant of project "${project.name}" connected to ${environment.name} matches ` +
        `${quoted([...request.tenants, ...request.tenantTags])}.`,
      { data: { tenants: request.tenants, tenantTags: request.tenantTags } },
    );
  }
  const required = (channel.data.tenantTags as string[] | undefined) ?? [];
  const outside = chosen.filter((t) => !tagsAllow(t.tags, required));
  if (outside.length > 0) {
    throw new SlipwayError(
      'INVALID_INPUT',
      `deployment.tenants: channel "${channel.name}" deploys only to tenants tagged ${quoted(required)}; ` +
        `${quoted(outside.map((t) => t.name))} ${outside.length > 1 ? 'are' : 'is'} not.`,
      { data: { tenants: outside.map((t) => t.id), channel: channel.id } },
    );
  }
  return chosen;
}

/** Checks and stores the deployments of one request (not enqueued: the caller does that). */
export async function deployRelease(
  ctx: DeployContext,
  spaceId: string,
  input: unknown,
  by: Actor,
  progression: (spaceId: string, release: Release, tenantId: string | undefined) => Promise<Progression>,
  check?: ScopeCheck,
): Promise<Deployment[]> {
  const req = parseInput(deploymentCreateSchema, input, 'deployment');
  const release = await releaseById(ctx, spaceId, req.release);
  const project = await ctx.look.projects.get(spaceId, release.projectId);
  ctx.look.assertEnabled(project);
  const channel = await ctx.look.channels.get(spaceId, release.channelId);
  const environment = await ctx.look.environment(spaceId, req.environment);
  const tenants = await tenantsFor(ctx, spaceId, project, channel, environment, req);
  for (const tenant of tenants) {
    check?.({
      projectId: project.id,
      environmentId: environment.id,
      ...(tenant ? { tenantId: tenant.id } : {}),
    });
  }

  for (const tenant of tenants) {
    const { decision } = await progression(spaceId, release, tenant?.id);
    if (decision.allowed.includes(environment.id)) continue;
    const reason =
      decision.refused[environment.id] ?? `${environment.name} is not part of the release's lifecycle`;
    throw new SlipwayError(
      'LIFECYCLE_REFUSED',
      `${environment.name} is not allowed yet for release ${release.version}` +
        `${tenant ? ` (tenant "${tenant.name}")` : ''}: ${reason}`,
      {
        data: {
          release: release.id,
          environment: environment.id,
          ...(tenant ? { tenant: tenant.id } : {}),
          allowed: decision.allowed,
        },
      },
    );
  }

  const steps = stepsOf(release.processSnapshot);
  const unknownSteps = req.skipSteps.filter(
    (s) => !steps.some((st) => st.name.toLowerCase() === s.toLowerCase()),
  );
  if (unknownSteps.length > 0) {
    throw new SlipwayError(
      'INVALID_INPUT',
      `deployment.skipSteps: release ${release.version} has no step ${quoted(unknownSteps)} ` +
        `(its steps: ${quoted(steps.map((s) => s.name))}).`,
      { data: { issues: unknownSteps.map((s) => `deployment.skipSteps: no step "${s}"`) } },
    );
  }
  const requiredSkipped = steps.filter(
    (s) => s.required === true && req.skipSteps.some((k) => k.toLowerCase() === s.name.toLowerCase()),
  );
  if (requiredSkipped.length > 0) {
    throw new SlipwayError(
      'INVALID_INPUT',
      `deployment.skipSteps: ${quoted(requiredSkipped.map((s) => s.name))} cannot be skipped (required).`,
      { data: { issues: requiredSkipped.map((s) => `deployment.skipSteps: "${s.name}" is required`) } },
    );
  }

  const prompts = (await ctx.releases.variables(spaceId, release.id)).filter((v) => v.prompt !== undefined);
  const given = new Map(Object.entries(req.prompted).map(([k, v]) => [k.toLowerCase(), v]));
  const missing = [
    ...new Set(
      prompts
        .filter((v) => v.prompt?.required === true && (given.get(v.name.toLowerCase()) ?? '') === '')
        .map((v) => v.name),
    ),
  ];
  const unknownPrompts = Object.keys(req.prompted).filter(
    (k) => !prompts.some((v) => v.name.toLowerCase() === k.toLowerCase()),
  );
  const promptIssues = [
    ...missing.map((n) => `deployment.prompted.${n}: required (prompted variable)`),
    ...unknownPrompts.map(
      (n) => `deployment.prompted.${n}: release ${release.version} has no prompted variable ${n}`,
    ),
  ];
  if (promptIssues.length > 0) {
    throw new SlipwayError('INVALID_INPUT', `Invalid deployment: ${promptIssues.join('; ')}`, {
      data: { issues: promptIssues },
    });
  }

  const guidedFailure =
    req.guidedFailure ?? (environment.guidedFailure || project.data.guidedFailure === true);
  return ctx.deployments.create(
    spaceId,
    tenants.map((tenant) => ({
      projectId: project.id,
      releaseId: release.id,
      channelId: channel.id,
      environmentId: environment.id,
      ...(tenant ? { tenantId: tenant.id } : {}),
      skippedSteps: req.skipSteps,
      comments: req.comments,
      guidedFailure,
      prompted: req.prompted,
    })),
    by,
  );
}
