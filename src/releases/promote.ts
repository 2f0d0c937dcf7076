/**
 * Promotion: deploy to `to` the release each tenant (or the untenanted deployments) last ran
 * successfully in `from`. Tenants sharing a release go together; each group is decided by the same
 * rules as any deployment (deployment-plan.ts), and the whole promotion is stored at once or not at all.
 */
import { z } from 'zod';
import { SlipwayError } from '../core/errors.js';
import { unknownFields } from '../core/model/parse.js';
import type { AccessScope } from '../core/model/permissions.js';
import type { Resource } from '../core/model/resource.js';
import { selectTenants, type TenantChoice } from '../core/releases/index.js';
import { latestSuccessfulReleases } from '../store/deployment-queries.js';
import type { ReleaseContext } from './context.js';
import {
  planDeployments,
  UNKNOWN_TARGET,
  type DeploymentBatch,
  type DeploymentPlan,
  type DeploymentRequest,
} from './deployment-plan.js';
import { readReleaseFacts } from './deploy.js';
import { environmentNamed, environmentNotFound, projectNotFound } from './lookups.js';

/** POST /deployments/promote. */
export const promotionSchema = z.strictObject(
  {
    project: z.string({ error: 'project must be a string (an id or a name)' }).min(1),
    from: z.string({ error: 'from must be a string (an environment id or name)' }).min(1),
    to: z.string({ error: 'to must be a string (an environment id or name)' }).min(1),
    tenants: z.array(z.string().min(1), { error: 'tenants must be a list' }).optional(),
    tenantTags: z.array(z.string().min(1), { error: 'tenantTags must be a list' }).optional(),
    /** Values for the releases' prompted variables, by name (as for POST /deployments). */
    prompted: z.record(z.string(), z.string(), { error: 'prompted must map names to values' }).optional(),
    comments: z.string().max(10_000).optional(),
  },
  { error: unknownFields('a promotion') },
);

/** A promotion as the schema gives it. */
export type PromotionRequest = z.output<typeof promotionSchema>;

const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

/** The deployment request of one group: `release` to `environmentId`, tenants by id (none = untenanted). */
function requestFor(
  promotion: PromotionRequest,
  release: string,
  environmentId: string,
  tenants: string[],
): DeploymentRequest {
  return {
    release,
    environment: environmentId,
    tenants,
    tenantTags: [],
    prompted: promotion.prompted ?? {},
    skipSteps: [],
    comments: promotion.comments ?? '',
    force: false,
  };
}

/**
 * Reads what a promotion names, each once (the project, the space's environments and tenants, the
 * releases `from` runs per tenant in one query, and each of those releases with its channel and
 * lifecycle), and decides it: the scopes to authorise (project × `to` × each tenant) and one batch
 * of deployments, or the first refusal (unknown project or environment, tenants, nothing to promote,
 * the lifecycle, prompted values).
 */
export async function planPromotion(
  ctx: ReleaseContext,
  spaceId: string,
  request: PromotionRequest,
): Promise<DeploymentPlan> {
  const { look } = ctx;
  const names = request.tenants ?? [];
  const tags = request.tenantTags ?? [];
  const tenanted = names.length > 0 || tags.length > 0;
  const project: Resource | undefined = await look.projects.find(spaceId, request.project);
  const environments = await look.environments(spaceId);
  const from = environmentNamed(environments, request.from);
  const to = environmentNamed(environments, request.to);
  let chosen: TenantChoice[] = [];
  let selectionError: SlipwayError | undefined;
  if (tenanted && project && to) {
    try {
      chosen = selectTenants(await look.tenantChoices(spaceId), { names, tags }, project.id, to.id);
    } catch (e) {
      if (!(e instanceof SlipwayError)) throw e;
      selectionError = e;
    }
  }
  const base = { projectId: project?.id ?? UNKNOWN_TARGET, environmentId: to?.id ?? UNKNOWN_TARGET };
  const scopes: AccessScope[] = !tenanted
    ? [base]
    : chosen.length > 0
      ? chosen.map((t) => ({ ...base, tenantId: t.id }))
      : [{ ...base, tenantId: UNKNOWN_TARGET }];
  const refuse = (refusal: SlipwayError): DeploymentPlan => ({ scopes, outcome: { refusal } });

  if (!project) return refuse(projectNotFound(request.project));
  if (!from) return refuse(environmentNotFound(request.from));
  if (!to) return refuse(environmentNotFound(request.to));
  if (selectionError) return refuse(selectionError);

  // Tenanted: each tenant gets the release it has in `from`; tenants sharing one go together.
  const current = await latestSuccessfulReleases(ctx.deps.store.db, spaceId, project.id, from.id);
  const groups = new Map<string, TenantChoice[]>();
  if (!tenanted) {
    const release = current.get('');
    if (release === undefined) {
      return refuse(
        new SlipwayError(
          'INVALID_INPUT',
          `Nothing to promote: project "${project.name}" has no successful untenanted deployment in ${from.name}.`,
          { data: { project: project.id, environment: from.id } },
        ),
      );
    }
    groups.set(release, []);
  } else {
    const missing: string[] = [];
    for (const tenant of chosen) {
      const release = current.get(tenant.id);
      if (release === undefined) missing.push(tenant.name);
      else groups.set(release, [...(groups.get(release) ?? []), tenant]);
    }
    if (missing.length > 0) {
      return refuse(
        new SlipwayError(
          'INVALID_INPUT',
          `Nothing to promote for tenant${missing.length > 1 ? 's' : ''} ${quoted(missing)}: ` +
            `no successful deployment of "${project.name}" in ${from.name}.`,
          { data: { tenants: missing, environment: from.id } },
        ),
      );
    }
  }

  const batch: DeploymentBatch = { deployments: [], environment: to, tenants: [] };
  for (const [releaseId, tenants] of groups) {
    const release = await ctx.releases.get(spaceId, releaseId);
    const facts = {
      ...(await readReleaseFacts(ctx, release, environments, project)),
      environment: to,
      tenants,
    };
    const group = planDeployments(
      requestFor(
        request,
        releaseId,
        to.id,
        tenants.map((t) => t.id),
      ),
      facts,
    );
    if ('refusal' in group.outcome) return refuse(group.outcome.refusal);
    batch.deployments.push(...group.outcome.deployments);
    batch.tenants.push(...group.outcome.tenants);
  }
  return { scopes, outcome: batch };
}
