/**
 * Deciding a deployment request, purely: from what the request names (read once by deploy.ts) to
 * the scopes the caller must be allowed in and the deployments to create — or why none may be.
 * The environment, the tenants the project's tenanted mode allows, the channel's tenant tags, the
 * lifecycle per tenant, skipped steps, prompted values and guided failure are all checked before
 * anything is stored, so a request creates all of its deployments or none.
 */
import { checkSkippedSteps } from '../core/deployments/index.js';
import { SlipwayError } from '../core/errors.js';
import type { Environment } from '../core/model/environment.js';
import type { AccessScope } from '../core/model/permissions.js';
import type { deploymentCreateSchema, Release } from '../core/model/release.js';
import type { Resource } from '../core/model/resource.js';
import {
  channelAllowsTenant,
  lifecycleDecision,
  selectTenants,
  type EffectivePhase,
  type ReleaseProgress,
  type TenantChoice,
} from '../core/releases/index.js';
import type { NewDeployment } from '../store/deployments.js';
import type { z } from 'zod';
import { environmentNotFound, projectDisabled, stepsOf } from './lookups.js';

/** A deployment request as the API's schema gives it (defaults filled in). */
export type DeploymentRequest = z.output<typeof deploymentCreateSchema>;

/** What a scope names when the request's target does not resolve: no restricted grant covers it. */
export const UNKNOWN_TARGET = '(unknown)';

/** What a request is decided over, each read once. Undefined where the request names nothing that exists. */
export interface DeploymentFacts {
  /** Undefined: `release` is not a release id of the space. */
  release?: Release;
  /** The release's project and channel (with the release). */
  project?: Resource;
  channel?: Resource;
  /** Undefined: no environment has that name or id. */
  environment?: Environment;
  /** Every tenant of the space as selection sees it ([] when the request names no tenants). */
  tenants: readonly TenantChoice[];
  /** The phases of the release's lifecycle. */
  phases: readonly EffectivePhase[];
  /** Where the release has been deployed, per tenant id ('' = untenanted; absent = nowhere). */
  progress: ReadonlyMap<string, ReleaseProgress>;
  /** The prompted variables of the release's snapshot. */
  prompts: readonly { name: string; required: boolean }[];
}

/** Deployments ready to store, all in one environment. */
export interface DeploymentBatch {
  deployments: NewDeployment[];
  environment: Environment;
  /** The tenants they are for (queue order spreads them over AWS accounts). */
  tenants: TenantChoice[];
}

/** What a request comes to. */
export interface DeploymentPlan {
  /**
   * Every project × environment × tenant the request touches (UNKNOWN_TARGET where it names what
   * does not exist). The caller authorises each before it says anything else about the request.
   */
  scopes: AccessScope[];
  /** The deployments to create, or why none may be (a user error, thrown once the scopes are allowed). */
  outcome: DeploymentBatch | { refusal: SlipwayError };
}

const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

/** INVALID_INPUT (not NOT_FOUND) for a `release` that is not a release id, saying how to find one. */
function notAReleaseId(id: string): SlipwayError {
  return new SlipwayError(
    'INVALID_INPUT',
    `deployment.release: "${id}" is not a release id in this space; find the id of a version with ` +
      `GET /api/spaces/{space}/releases?project=<project>&version=<version>.`,
    { data: { issues: [`deployment.release: no release "${id}"`] } },
  );
}

/** The tenants selection chooses, or the error it gives. */
type Selection = { chosen: TenantChoice[] } | { error: SlipwayError };

function select(
  request: DeploymentRequest,
  facts: DeploymentFacts,
  project: Resource,
  environment: Environment,
): Selection {
  try {
    return {
      chosen: selectTenants(
        facts.tenants,
        { names: request.tenants, tags: request.tenantTags },
        project.id,
        environment.id,
      ),
    };
  } catch (e) {
    if (e instanceof SlipwayError) return { error: e };
    throw e;
  }
}

/**
 * The tenants of the deployment (undefined = one untenanted deployment), per the project's tenanted
 * mode and the channel's tenant tags; or the error that names what is wrong.
 */
function tenantsFor(
  request: DeploymentRequest,
  project: Resource,
  channel: Resource,
  environment: Environment,
  selection: Selection | undefined,
): (TenantChoice | undefined)[] | SlipwayError {
  const mode = (project.data.tenantedMode as string | undefined) ?? 'untenanted';
  if (selection === undefined) {
    if (mode !== 'tenanted') return [undefined];
    return new SlipwayError(
      'INVALID_INPUT',
      `deployment.tenants: project "${project.name}" is tenanted: name tenants (["*"] for every tenant ` +
        `connected to ${environment.name}) or tenantTags.`,
      { data: { issues: ['deployment.tenants: required for a tenanted project'] } },
    );
  }
  if (mode === 'untenanted') {
    return new SlipwayError(
      'INVALID_INPUT',
      `deployment.tenants: project "${project.name}" is untenanted: leave out tenants and tenantTags ` +
        `(or make the project tenanted).`,
      { data: { issues: ['deployment.tenants: not allowed for an untenanted project'] } },
    );
  }
  if ('error' in selection) return selection.error;
  if (selection.chosen.length === 0) {
    return new SlipwayError(
      'INVALID_INPUT',
      `deployment.tenants: no tenant of project "${project.name}" connected to ${environment.name} matches ` +
        `${quoted([...request.tenants, ...request.tenantTags])}.`,
      { data: { tenants: request.tenants, tenantTags: request.tenantTags } },
    );
  }
  const required = (channel.data.tenantTags as string[] | undefined) ?? [];
  const outside = selection.chosen.filter((t) => !channelAllowsTenant(t, required));
  if (outside.length > 0) {
    return new SlipwayError(
      'INVALID_INPUT',
      `deployment.tenants: channel "${channel.name}" deploys only to tenants tagged ${quoted(required)}; ` +
        `${quoted(outside.map((t) => t.name))} ${outside.length > 1 ? 'are' : 'is'} not.`,
      { data: { tenants: outside.map((t) => t.id), channel: channel.id } },
    );
  }
  return selection.chosen;
}

/** LIFECYCLE_REFUSED for the first tenant whose lifecycle does not allow the environment yet. */
function lifecycleRefusal(
  facts: DeploymentFacts,
  release: Release,
  environment: Environment,
  tenants: readonly (TenantChoice | undefined)[],
): SlipwayError | undefined {
  const nowhere: ReleaseProgress = { succeededEnvironmentIds: new Set(), attemptedEnvironmentIds: new Set() };
  for (const tenant of tenants) {
    const decision = lifecycleDecision(facts.phases, facts.progress.get(tenant?.id ?? '') ?? nowhere);
    if (decision.allowed.includes(environment.id)) continue;
    const reason =
      decision.refused[environment.id] ?? `${environment.name} is not part of the release's lifecycle`;
    return new SlipwayError(
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
  return undefined;
}

/** INVALID_INPUT naming each required prompted value missing and each value for no prompted variable. */
function promptRefusal(
  request: DeploymentRequest,
  facts: DeploymentFacts,
  release: Release,
): SlipwayError | undefined {
  const given = new Map(Object.entries(request.prompted).map(([k, v]) => [k.toLowerCase(), v]));
  const missing = [
    ...new Set(
      facts.prompts
        .filter((v) => v.required && (given.get(v.name.toLowerCase()) ?? '') === '')
        .map((v) => v.name),
    ),
  ];
  const unknown = Object.keys(request.prompted).filter(
    (k) => !facts.prompts.some((v) => v.name.toLowerCase() === k.toLowerCase()),
  );
  const issues = [
    ...missing.map((n) => `deployment.prompted.${n}: required (prompted variable)`),
    ...unknown.map(
      (n) => `deployment.prompted.${n}: release ${release.version} has no prompted variable ${n}`,
    ),
  ];
  if (issues.length === 0) return undefined;
  return new SlipwayError('INVALID_INPUT', `Invalid deployment: ${issues.join('; ')}`, { data: { issues } });
}

/** INVALID_INPUT when `skipSteps` names a step the release lacks or a required one (core's rule). */
function skipRefusal(request: DeploymentRequest, release: Release): SlipwayError | undefined {
  const steps = stepsOf(release.processSnapshot).map((s) => ({
    name: s.name,
    required: s.required === true,
  }));
  try {
    checkSkippedSteps(steps, request.skipSteps, 'deployment.skipSteps');
    return undefined;
  } catch (e) {
    if (e instanceof SlipwayError) return e;
    throw e;
  }
}

/**
 * What `request` comes to over `facts`: the scopes to authorise (always, even for a request that is
 * refused, so a caller outside them learns nothing more) and the deployments, one per tenant (or one
 * untenanted), or the first refusal: not a release id, disabled project, unknown environment,
 * tenants, lifecycle (per tenant), skipped steps, prompted values.
 */
export function planDeployments(request: DeploymentRequest, facts: DeploymentFacts): DeploymentPlan {
  const { release, project, channel, environment } = facts;
  const wantsTenants = request.tenants.length > 0 || request.tenantTags.length > 0;
  const selection =
    wantsTenants && project && environment ? select(request, facts, project, environment) : undefined;

  const base = { projectId: project?.id ?? UNKNOWN_TARGET, environmentId: environment?.id ?? UNKNOWN_TARGET };
  const chosen = selection && 'chosen' in selection ? selection.chosen : [];
  const scopes: AccessScope[] = !wantsTenants
    ? [base]
    : chosen.length > 0
      ? chosen.map((t) => ({ ...base, tenantId: t.id }))
      : [{ ...base, tenantId: UNKNOWN_TARGET }];
  const refuse = (refusal: SlipwayError): DeploymentPlan => ({ scopes, outcome: { refusal } });

  if (!release || !project || !channel) return refuse(notAReleaseId(request.release));
  const disabled = projectDisabled(project);
  if (disabled) return refuse(disabled);
  if (!environment) return refuse(environmentNotFound(request.environment));
  const tenants = tenantsFor(request, project, channel, environment, selection);
  if (tenants instanceof SlipwayError) return refuse(tenants);
  const refusal =
    lifecycleRefusal(facts, release, environment, tenants) ??
    skipRefusal(request, release) ??
    promptRefusal(request, facts, release);
  if (refusal) return refuse(refusal);

  const guidedFailure =
    request.guidedFailure ?? (environment.guidedFailure || project.data.guidedFailure === true);
  return {
    scopes,
    outcome: {
      environment,
      tenants: tenants.filter((t) => t !== undefined),
      deployments: tenants.map((tenant) => ({
        projectId: project.id,
        releaseId: release.id,
        channelId: channel.id,
        environmentId: environment.id,
        ...(tenant ? { tenantId: tenant.id } : {}),
        skippedSteps: request.skipSteps,
        comments: request.comments,
        guidedFailure,
        prompted: request.prompted,
      })),
    },
  };
}
