/**
 * Deployments the lifecycle makes by itself: into the first phase's automatic environments when a
 * release is created, and into the automatic environments a successful deployment opens. A refusal
 * leaves that environment to a person and is told to deps.onAutomaticRefused (the service never prints).
 */
import { SlipwayError } from '../core/errors.js';
import type { Environment } from '../core/model/environment.js';
import type { Deployment, Release } from '../core/model/release.js';
import type { Actor } from '../store/audit.js';
import type { ReleaseContext } from './context.js';
import type { AutomaticRefusal } from './deps.js';
import { deploy } from './deploy.js';
import { progression } from './progression.js';

/** Who creates the deployments the lifecycle starts by itself. */
export const AUTOMATIC_ACTOR: Actor = { actor: 'system (automatic)' };

/** A refusal in the words of the server's log (without the `slipway: ` prefix and newline). */
export function describeAutomaticRefusal(refusal: AutomaticRefusal): string {
  const { release } = refusal;
  return (
    `no automatic deployment of release ${release.version} (${release.id}) to ` +
    `${refusal.environmentName ?? refusal.environmentId}: ${refusal.error.message}`
  );
}

/**
 * Deploys `release` to `environments` (ids the lifecycle deploys by itself now; names from
 * `known`): untenanted, for one tenant, or for every tenant connected there (`'every tenant'`,
 * within the channel's tenant tags). A user-owned refusal (no tenant connected there, a missing
 * prompted value) goes to deps.onAutomaticRefused; other errors are thrown.
 */
export async function deployAutomatically(
  ctx: ReleaseContext,
  release: Release,
  environments: readonly string[],
  known: readonly Environment[],
  who: { tenantId?: string } | 'every tenant',
  prompted: Record<string, string>,
): Promise<Deployment[]> {
  const { spaceId } = release;
  let tenants: { tenants?: string[]; tenantTags?: string[] } = {};
  if (who === 'every tenant') {
    const channel = await ctx.look.channels.get(spaceId, release.channelId);
    const tags = (channel.data.tenantTags as string[] | undefined) ?? [];
    tenants = tags.length > 0 ? { tenantTags: tags } : { tenants: ['*'] };
  } else if (who.tenantId !== undefined) {
    tenants = { tenants: [who.tenantId] };
  }
  const out: Deployment[] = [];
  for (const environment of environments) {
    try {
      out.push(
        ...(await deploy(
          ctx,
          spaceId,
          { release: release.id, environment, ...tenants, prompted },
          AUTOMATIC_ACTOR,
        )),
      );
    } catch (e) {
      if (!(e instanceof SlipwayError) || e.owner !== 'user') throw e;
      const name = known.find((k) => k.id === environment)?.name;
      ctx.deps.onAutomaticRefused?.({
        release,
        environmentId: environment,
        ...(name === undefined ? {} : { environmentName: name }),
        error: e,
      });
    }
  }
  return out;
}

/** After a deployment finished: deploys to the automatic environments the lifecycle now opens. */
export async function afterDeployment(ctx: ReleaseContext, deploymentId: string): Promise<Deployment[]> {
  const finished = await ctx.deployments.getById(deploymentId);
  if (finished.state !== 'success') return [];
  const release = await ctx.releases.get(finished.spaceId, finished.releaseId);
  const { decision, environments } = await progression(ctx, release, finished.tenantId);
  const who = finished.tenantId === undefined ? {} : { tenantId: finished.tenantId };
  const prompted = await ctx.deployments.prompted(finished.id);
  return deployAutomatically(ctx, release, decision.automatic, environments, who, prompted);
}
