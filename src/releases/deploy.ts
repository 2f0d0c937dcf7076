/**
 * Creating deployments of a release, as three steps the API takes one at a time: read what the
 * request names, once each (this file); decide (deployment-plan.ts, pure); store and queue what was
 * authorised (this file). `deploy` does all three for the service's own callers.
 */
import { SlipwayError } from '../core/errors.js';
import type { Environment } from '../core/model/environment.js';
import { parseInput } from '../core/model/parse.js';
import type { AccessScope } from '../core/model/permissions.js';
import {
  deploymentCreateSchema,
  type Deployment,
  type DeploymentCreateInput,
  type Release,
} from '../core/model/release.js';
import type { Resource } from '../core/model/resource.js';
import type { Actor } from '../store/audit.js';
import { promptedVariables, releaseProgressByTenant } from '../store/deployment-queries.js';
import type { ReleaseContext } from './context.js';
import {
  planDeployments,
  type DeploymentBatch,
  type DeploymentFacts,
  type DeploymentPlan,
  type DeploymentRequest,
} from './deployment-plan.js';
import { environmentNamed } from './lookups.js';
import { releaseProgress } from './progression.js';
import { queueOrder } from './queue-order.js';

/** Throws (FORBIDDEN) when the caller may not deploy in this scope; the API passes its authorize(). */
export type ScopeCheck = (scope: AccessScope) => void;

/** The release `id`, or undefined when the space has none with that id. */
async function releaseOrNothing(
  ctx: ReleaseContext,
  spaceId: string,
  id: string,
): Promise<Release | undefined> {
  try {
    return await ctx.releases.get(spaceId, id);
  } catch (e) {
    if (e instanceof SlipwayError && e.code === 'NOT_FOUND') return undefined;
    throw e;
  }
}

/** What deciding needs about one release besides the request: its project, channel, lifecycle, progress, prompts. */
export type ReleaseFacts = Required<Pick<DeploymentFacts, 'release' | 'project' | 'channel'>> &
  Pick<DeploymentFacts, 'phases' | 'progress' | 'prompts'>;

/**
 * Reads what deciding needs about `release`: its project (unless given) and channel, its lifecycle's
 * phases over `environments` (the space's, already read), where it has been deployed (every tenant,
 * one query) and its prompted variables.
 */
export async function readReleaseFacts(
  ctx: ReleaseContext,
  release: Release,
  environments: Environment[],
  project?: Resource,
): Promise<ReleaseFacts> {
  const { look } = ctx;
  const { db } = ctx.deps.store;
  const { spaceId } = release;
  const owner = project ?? (await look.projects.get(spaceId, release.projectId));
  const channel = await look.channels.get(spaceId, release.channelId);
  const { phases } = await look.phases(spaceId, owner, channel, environments);
  const reached = await releaseProgressByTenant(db, release.id);
  const progress = new Map([...reached].map(([tenant, r]) => [tenant, releaseProgress(r)]));
  return {
    release,
    project: owner,
    channel,
    phases,
    progress,
    prompts: await promptedVariables(db, release.id),
  };
}

/**
 * Reads what `request` names, each once: the release (with readReleaseFacts), the space's
 * environments (the one named and the lifecycle's) and the tenants (only when the request names
 * some). What does not exist is left undefined for the plan to report.
 */
export async function readDeploymentFacts(
  ctx: ReleaseContext,
  spaceId: string,
  request: DeploymentRequest,
): Promise<DeploymentFacts> {
  const release = await releaseOrNothing(ctx, spaceId, request.release);
  const environments = await ctx.look.environments(spaceId);
  const environment = environmentNamed(environments, request.environment);
  const wantsTenants = request.tenants.length > 0 || request.tenantTags.length > 0;
  const tenants = wantsTenants ? await ctx.look.tenantChoices(spaceId) : [];
  if (!release) return { environment, tenants, phases: [], progress: new Map(), prompts: [] };
  return { ...(await readReleaseFacts(ctx, release, environments)), environment, tenants };
}

/** Reads and decides one request: the scopes to authorise and the deployments (or the refusal). */
export async function planDeploymentRequest(
  ctx: ReleaseContext,
  spaceId: string,
  request: DeploymentRequest,
): Promise<DeploymentPlan> {
  return planDeployments(request, await readDeploymentFacts(ctx, spaceId, request));
}

/**
 * The deployments of `plan` once each scope passed `check` (default: none is checked); throws the
 * plan's refusal after the scopes, so a caller outside them is told only that (FORBIDDEN).
 */
export function authorised(plan: DeploymentPlan, check?: ScopeCheck): DeploymentBatch {
  for (const scope of plan.scopes) check?.(scope);
  if ('refusal' in plan.outcome) throw plan.outcome.refusal;
  return plan.outcome;
}

/**
 * Stores an authorised batch (one transaction: all or none) and queues it on the engine, tenants
 * round-robin by AWS account.
 */
export async function storeDeployments(
  ctx: ReleaseContext,
  spaceId: string,
  batch: DeploymentBatch,
  by: Actor,
): Promise<Deployment[]> {
  if (batch.deployments.length === 0) return [];
  const created = await ctx.deployments.create(spaceId, batch.deployments, by);
  const engine = ctx.deps.engine;
  if (engine) {
    const ordered = await queueOrder(ctx.deps, spaceId, created, batch.environment, batch.tenants);
    await engine.enqueue(ordered.map((d) => d.id));
  }
  return created;
}

/**
 * Deploys a release (deploymentCreateSchema input): reads, decides, authorises each project ×
 * environment × tenant with `check` (default none), stores and queues; LIFECYCLE_REFUSED or
 * INVALID_INPUT name the reason. For the service's own callers; the API takes the steps itself.
 */
export async function deploy(
  ctx: ReleaseContext,
  spaceId: string,
  input: DeploymentCreateInput,
  by: Actor,
  check?: ScopeCheck,
): Promise<Deployment[]> {
  const request = parseInput(deploymentCreateSchema, input, 'deployment');
  const plan = await planDeploymentRequest(ctx, spaceId, request);
  return storeDeployments(ctx, spaceId, authorised(plan, check), by);
}
