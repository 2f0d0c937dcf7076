/**
 * Tenant selection for a deployment (octopus-model.md "Tenant"): named tenants, `*`, and tag
 * expressions (OR within a tag set, AND across sets), limited to tenants connected to the project
 * in the environment.
 */
import { tagsMatch } from '../deployments/tags.js';
import { SlipwayError } from '../errors.js';

/** A tenant as selection sees it. */
export interface TenantChoice {
  id: string;
  name: string;
  tags: readonly string[];
  /** projectId → environment ids it is connected to. */
  connections: ReadonlyMap<string, readonly string[]>;
}

/** The tenant's environments for the project (empty when not connected to it). */
function environmentsOf(tenant: TenantChoice, projectId: string): readonly string[] {
  return tenant.connections.get(projectId) ?? [];
}

function isConnected(tenant: TenantChoice, projectId: string, environmentId: string): boolean {
  return environmentsOf(tenant, projectId).includes(environmentId);
}

/** The tag set of `Set/Tag` (lower case), or undefined when the tag is not written that way. */
function tagSet(tag: string): string | undefined {
  const slash = tag.indexOf('/');
  return slash <= 0 || slash === tag.length - 1 ? undefined : tag.slice(0, slash).toLowerCase();
}

function invalid(message: string, data: Record<string, unknown>): SlipwayError {
  return new SlipwayError('INVALID_INPUT', message, { data });
}

/** INVALID_INPUT for a requested tag not written `Set/Tag`. */
function checkTags(tags: readonly string[]): void {
  const bad = tags.find((tag) => tagSet(tag) === undefined);
  if (bad !== undefined) {
    throw invalid(`Tenant tag "${bad}" is not written as "Tag set/Tag" (e.g. "Region/EU").`, { tag: bad });
  }
}

/**
 * Whether a channel limited to `channelTags` (a tag expression; none = every tenant) may deploy to
 * `tenant`: OR within a tag set, AND across sets (the same rule as everywhere, tagsMatch).
 */
export function channelAllowsTenant(
  tenant: Pick<TenantChoice, 'tags'>,
  channelTags: readonly string[],
): boolean {
  return channelTags.length === 0 || tagsMatch(tenant.tags, channelTags);
}

/**
 * The tenants a deployment of `projectId` to `environmentId` goes to: named ones (names or ids,
 * ignoring case), `*` = every connected tenant, plus those matching the tag expression (OR within
 * a tag set, AND across sets); each named one must be connected (INVALID_INPUT naming those that are
 * not). Tenants matched by `*` or tags but not connected are left out. Sorted by name, each once;
 * [] for an empty request (untenanted); INVALID_INPUT when a non-empty request matches none.
 */
export function selectTenants(
  tenants: readonly TenantChoice[],
  request: { names: readonly string[]; tags: readonly string[] },
  projectId: string,
  environmentId: string,
): TenantChoice[] {
  const names = request.names.map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0 && request.tags.length === 0) return [];
  const chosen = new Map<string, TenantChoice>();
  const unknown: string[] = [];
  const unconnected: string[] = [];
  for (const name of names) {
    if (name === '*') {
      for (const t of tenants) if (isConnected(t, projectId, environmentId)) chosen.set(t.id, t);
      continue;
    }
    const lower = name.toLowerCase();
    const tenant =
      tenants.find((t) => t.id.toLowerCase() === lower) ??
      tenants.find((t) => t.name.toLowerCase() === lower);
    if (tenant === undefined) unknown.push(name);
    else if (!isConnected(tenant, projectId, environmentId)) {
      const where = environmentsOf(tenant, projectId);
      unconnected.push(
        where.length === 0
          ? `${tenant.name} (not connected to this project)`
          : `${tenant.name} (connected to this project in ${where.join(', ')} only)`,
      );
    } else chosen.set(tenant.id, tenant);
  }
  if (unknown.length > 0) {
    throw invalid(
      `No tenant is named ${unknown.map((n) => `"${n}"`).join(', ')}. Check the spelling or the id.`,
      {
        unknown,
      },
    );
  }
  if (unconnected.length > 0) {
    throw invalid(
      `Not connected to this project in environment ${environmentId}: ${unconnected.join('; ')}. ` +
        'Connect them on the tenant, or leave them out.',
      { unconnected },
    );
  }
  if (request.tags.length > 0) {
    checkTags(request.tags);
    for (const t of tenants) {
      if (isConnected(t, projectId, environmentId) && tagsMatch(t.tags, request.tags)) chosen.set(t.id, t);
    }
  }
  const result = [...chosen.values()].sort((a, b) => byName(a, b));
  if (result.length === 0) {
    const asked = [...names, ...request.tags].join(', ');
    throw invalid(
      `No tenant connected to this project in environment ${environmentId} matched ${asked}. ` +
        'Check the tags and the tenants\u2019 project connections.',
      { names, tags: [...request.tags] },
    );
  }
  return result;
}

/** By name ignoring case, then as written, then by id: the same order on every machine. */
function byName(a: TenantChoice, b: TenantChoice): number {
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return cmp(a.name.toLowerCase(), b.name.toLowerCase()) || cmp(a.name, b.name) || cmp(a.id, b.id);
}
