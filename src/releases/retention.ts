/**
 * Retention after a release is created: the lifecycle's policy (keep all, the newest N, or N days)
 * applied to the other releases of the same project and channel, never removing one that is the
 * latest deployment somewhere. Best effort: a release that cannot go now (a deployment in progress)
 * stays until the next time.
 */
import { releasesToRemove, type RetentionPolicy } from '../core/releases/index.js';
import type { Release } from '../core/model/release.js';
import type { Resource } from '../core/model/resource.js';
import type { Actor } from '../store/audit.js';
import type { DeploymentsRepository } from '../store/deployments.js';
import type { ReleasesRepository } from '../store/releases.js';
import type { ReleaseContext } from './context.js';
import { everything } from './lookups.js';

/** Who retention's deletions are by. */
export const RETENTION_ACTOR: Actor = { actor: 'system (retention)' };

/** Deletes what `policy` lets go among `release`'s project × channel; returns the ids deleted. */
export async function applyRetention(
  repos: { releases: ReleasesRepository; deployments: DeploymentsRepository },
  release: Release,
  policy: RetentionPolicy,
  now: Date,
): Promise<string[]> {
  if (policy.keep === 'all') return [];
  const { spaceId, projectId, channelId } = release;
  const all = await everything((q) => repos.releases.list(spaceId, q, { projectId, channelId }));
  const current = new Set(
    (await repos.deployments.latestPerEnvironment(spaceId, [projectId])).map((d) => d.releaseId),
  );
  const ids = releasesToRemove(
    all.map((r) => ({
      id: r.id,
      version: r.version,
      createdAt: r.createdAt,
      current: current.has(r.id) || r.id === release.id,
    })),
    policy,
    now,
  );
  const deleted: string[] = [];
  for (const id of ids) {
    try {
      await repos.releases.delete(spaceId, id, RETENTION_ACTOR);
      deleted.push(id);
    } catch {
      // In progress or already gone: retention tries again after the next release.
    }
  }
  return deleted;
}

/**
 * The retention of `lifecycle` (the first phase's own policy when it has one, else the
 * lifecycle's) after `release` was created, best effort: it never fails a release.
 */
export async function retainAfterRelease(
  ctx: ReleaseContext,
  lifecycle: Resource,
  release: Release,
): Promise<void> {
  try {
    const phases = (lifecycle.data.phases as { retention?: RetentionPolicy }[] | undefined) ?? [];
    const policy = phases[0]?.retention ?? (lifecycle.data.retention as RetentionPolicy | undefined);
    if (policy) await applyRetention(ctx, release, policy, ctx.now());
  } catch {
    // Retention never fails a release; it runs again after the next one.
  }
}
