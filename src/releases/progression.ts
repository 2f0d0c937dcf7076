/**
 * Where a release may go now: the lifecycle of its channel (else its project's) over where it has
 * been deployed, untenanted or for one tenant. The rule is core's lifecycleDecision.
 */
import type { Environment } from '../core/model/environment.js';
import type { Release } from '../core/model/release.js';
import {
  lifecycleDecision,
  type EffectivePhase,
  type LifecycleDecision,
  type ReleaseProgress,
} from '../core/releases/index.js';
import type { ReleaseContext } from './context.js';

/** A lifecycle decision with what it was made over. */
export interface Progression {
  decision: LifecycleDecision;
  phases: EffectivePhase[];
  environments: Environment[];
}

/** The store's answer (environment id lists) as the lifecycle rule takes it. */
export function releaseProgress(progress: {
  succeeded: readonly string[];
  attempted: readonly string[];
}): ReleaseProgress {
  return {
    succeededEnvironmentIds: new Set(progress.succeeded),
    attemptedEnvironmentIds: new Set(progress.attempted),
  };
}

/** Where `release` may go now for `tenantId` (undefined: untenanted), with the phases and environments. */
export async function progression(
  ctx: ReleaseContext,
  release: Release,
  tenantId: string | undefined,
): Promise<Progression> {
  const { spaceId } = release;
  const project = await ctx.look.projects.get(spaceId, release.projectId);
  const channel = await ctx.look.channels.get(spaceId, release.channelId);
  const { phases, environments } = await ctx.look.phases(spaceId, project, channel);
  const progress = await ctx.deployments.releaseProgress(release.id, tenantId);
  return { decision: lifecycleDecision(phases, releaseProgress(progress)), phases, environments };
}
