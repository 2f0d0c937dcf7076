/**
 * Retention after a release is created: the lifecycle's policy (keep all, the newest N, or N days)
 * applied to the other releases of the same project and channel, never removing one that is the
 * latest deployment somewhere. Best effort: a release that cannot go now (a deployment in progress)
 * stays until the next time.
 */
import { releasesToRemove, type RetentionPolicy } from '../core/releases/index.js';
import type { Release } from '../core/model/release.js';
import type { Actor } from '../store/audit.js';
import type { DeploymentsRepository } from '../store/deployments.js';
import type { ReleasesRepository } from '../store/releases.js';
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
