/**
 * The order a fan-out is queued in. The queue hands out jobs in creation order; deployments created
 * for tenants sorted by name would fill every worker slot with one AWS account while the others
 * wait (a convoy behind that account's rate limits). Queued round-robin by the AWS accounts and
 * regions their targets use, a node works every account at once.
 */
import { targetParticipates, type TargetInfo } from '../core/deployments/index.js';
import type { Deployment } from '../core/model/release.js';
import type { TenantChoice } from '../core/releases/index.js';
import type { Store } from '../store/database.js';
import type { SecretBox } from '../store/secrets.js';
import { environmentTargets } from '../jobs/facts.js';

/** Items in round-robin order over their keys (first-seen key first); order kept within a key. */
export function interleaveBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  const lists = [...groups.values()];
  const out: T[] = [];
  for (let i = 0; out.length < items.length; i++) {
    for (const list of lists) {
      const item = list[i];
      if (item !== undefined) out.push(item);
    }
  }
  return out;
}

/**
 * The AWS accounts and regions a deployment's targets use (any of their roles), as one key:
 * deployments with the same key share AWS rate limits.
 */
export function awsKey(
  deployment: Deployment,
  environment: { id: string; name: string },
  targets: readonly TargetInfo[],
  tenants: ReadonlyMap<string, TenantChoice>,
): string {
  const tenant = deployment.tenantId === undefined ? undefined : tenants.get(deployment.tenantId);
  const facts = {
    environment,
    ...(tenant ? { tenant: { id: tenant.id, name: tenant.name, tags: [...tenant.tags] } } : {}),
  };
  const keys = targets
    .filter((t) => targetParticipates(t, t.roles, facts))
    .map((t) => `${t.awsAccount ?? 'ambient'}|${t.region}`);
  return [...new Set(keys)].sort().join(',');
}

/**
 * The deployments of one request in the order to queue them: tenants' round-robin by AWS account.
 * `environment` and `tenants` are what the request already read (all created in that environment).
 */
export async function queueOrder(
  deps: { store: Store; secrets: SecretBox },
  spaceId: string,
  created: Deployment[],
  environment: { id: string; name: string },
  tenants: readonly TenantChoice[],
): Promise<Deployment[]> {
  if (created.length < 2 || created.every((d) => d.tenantId === undefined)) return created;
  const targets = await environmentTargets(deps.store, deps.secrets, spaceId, environment.id);
  const byId = new Map(tenants.map((t) => [t.id, t]));
  const keys = new Map(created.map((d) => [d.id, awsKey(d, environment, targets, byId)]));
  return interleaveBy(created, (d) => keys.get(d.id) ?? '');
}
