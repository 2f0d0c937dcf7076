/**
 * Release retention: which releases a lifecycle's (or phase's) policy lets go. The newest are kept;
 * a release that is the current deployment somewhere is never removed.
 */
import { compareVersions, parseVersion } from '../versions/index.js';

/** A release's age and whether it is deployed somewhere now. */
export interface RetentionCandidate {
  id: string;
  version: string;
  createdAt: Date;
  /** Currently the latest deployment in some environment (never removed). */
  current: boolean;
}

/** A retention policy: keep all / the newest N / those created in the last N days. */
export type RetentionPolicy =
  { keep: 'all' } | { keep: 'count'; count: number } | { keep: 'days'; days: number };

const DAY_MS = 86_400_000;

/** Newest first: by creation time, then by version (higher first), then by id. */
function newestFirst(a: RetentionCandidate, b: RetentionCandidate): number {
  const byTime = b.createdAt.getTime() - a.createdAt.getTime();
  if (byTime !== 0) return byTime;
  const va = parseVersion(a.version);
  const vb = parseVersion(b.version);
  if (va !== undefined && vb !== undefined) {
    const byVersion = compareVersions(vb, va);
    if (byVersion !== 0) return byVersion;
  }
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The ids of the releases to delete under `policy` (keep all / newest N / N days), newest first,
 * never a current one. Current releases count toward N; a release exactly N days old is kept.
 */
export function releasesToRemove(
  candidates: readonly RetentionCandidate[],
  policy: RetentionPolicy,
  now: Date,
): string[] {
  if (policy.keep === 'all') return [];
  const sorted = [...candidates].sort(newestFirst);
  let expired: RetentionCandidate[];
  if (policy.keep === 'count') {
    const keep = Number.isFinite(policy.count) ? Math.max(0, Math.floor(policy.count)) : sorted.length;
    expired = sorted.slice(keep);
  } else {
    const cutoff = now.getTime() - policy.days * DAY_MS;
    expired = sorted.filter((c) => c.createdAt.getTime() < cutoff);
  }
  return expired.filter((c) => !c.current).map((c) => c.id);
}
