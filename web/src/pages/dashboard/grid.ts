/**
 * The dashboards' pure logic: the space's projects × environments grid, a project's tenants ×
 * environments grid, the tenant filter (name search and tags, kept in the URL) and how often to poll.
 */
import type { Dashboard, DashboardItem, DashboardTenant } from './types.js';

/** One project × environment of the space dashboard. */
export interface SpaceCell {
  environmentId: string;
  /** What the cell shows: the latest untenanted deployment, else the newest tenant's. */
  item?: DashboardItem;
  /** How many tenants' latest deployment is in each state (tenanted projects). */
  tenantStates?: Partial<Record<string, number>>;
}

/** One project's row. */
export interface SpaceRow {
  project: Dashboard['projects'][number];
  cells: SpaceCell[];
}

const cellKey = (projectId: string, environmentId: string) => `${projectId}\u0000${environmentId}`;

/** Projects (in the answer's order) × environments (in their order); cells never deployed have no item. */
export function buildSpaceGrid(data: Dashboard): SpaceRow[] {
  const items = new Map<string, DashboardItem>();
  for (const item of data.items) {
    const key = cellKey(item.projectId, item.environmentId);
    // The untenanted deployment wins the cell; a tenant's fills it only when there is none.
    if (item.tenantId === undefined || !items.has(key)) items.set(key, item);
  }
  const summaries = new Map(
    (data.cells ?? []).map((c) => [cellKey(c.projectId, c.environmentId), c.tenantStates]),
  );
  return data.projects.map((project) => ({
    project,
    cells: data.environments.map((env) => {
      const key = cellKey(project.id, env.id);
      const item = items.get(key);
      const tenantStates = summaries.get(key);
      return {
        environmentId: env.id,
        ...(item ? { item } : {}),
        ...(tenantStates ? { tenantStates } : {}),
      };
    }),
  }));
}

/** "3 tenants: 2 Success, 1 Failed" parts, most first. */
export function tenantSummary(states: Partial<Record<string, number>>): { state: string; count: number }[] {
  return Object.entries(states)
    .filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0)
    .map(([state, count]) => ({ state, count }))
    .sort((a, b) => b.count - a.count || a.state.localeCompare(b.state));
}

/** One cell of a tenant's row: not connected, connected and never deployed, or the latest. */
export type TenantCell =
  | { environmentId: string; kind: 'not-connected' }
  | { environmentId: string; kind: 'not-deployed' }
  | { environmentId: string; kind: 'deployed'; item: DashboardItem };

/** One tenant's row. */
export interface TenantRow {
  tenant: DashboardTenant;
  cells: TenantCell[];
}

/** The environments a project's tenants use (connected or deployed to), in the space's order. */
export function tenantEnvironments(data: Dashboard): Dashboard['environments'] {
  const used = new Set<string>();
  for (const t of data.tenants ?? []) for (const e of t.environmentIds) used.add(e);
  for (const i of data.items) if (i.tenantId !== undefined) used.add(i.environmentId);
  return data.environments.filter((e) => used.has(e.id));
}

/** Tenants (in the answer's order) × `environments`. */
export function buildTenantGrid(data: Dashboard, environments = tenantEnvironments(data)): TenantRow[] {
  const items = new Map<string, DashboardItem>();
  for (const item of data.items) {
    if (item.tenantId !== undefined) items.set(`${item.tenantId}\u0000${item.environmentId}`, item);
  }
  return (data.tenants ?? []).map((tenant) => {
    const connected = new Set(tenant.environmentIds);
    return {
      tenant,
      cells: environments.map((env): TenantCell => {
        const item = items.get(`${tenant.id}\u0000${env.id}`);
        if (item) return { environmentId: env.id, kind: 'deployed', item };
        return { environmentId: env.id, kind: connected.has(env.id) ? 'not-deployed' : 'not-connected' };
      }),
    };
  });
}

/** The tenant filter, as in the URL: `?q=<name>&tag=Set/Tag&tag=...`. */
export interface TenantFilter {
  search: string;
  tags: string[];
}

/** Reads the filter from the URL's query. */
export function readFilter(params: URLSearchParams): TenantFilter {
  return { search: params.get('q') ?? '', tags: params.getAll('tag') };
}

/** Writes the filter into a copy of the URL's query (empty parts left out). */
export function writeFilter(params: URLSearchParams, filter: TenantFilter): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('q');
  next.delete('tag');
  if (filter.search.trim() !== '') next.set('q', filter.search);
  for (const tag of filter.tags) next.append('tag', tag);
  return next;
}

/** The tag sets the tenants use: set name → its tags, both sorted. */
export function tagGroups(tenants: readonly DashboardTenant[]): { set: string; tags: string[] }[] {
  const sets = new Map<string, Set<string>>();
  for (const t of tenants) {
    for (const tag of t.tags) {
      const set = tag.slice(0, Math.max(tag.indexOf('/'), 0));
      let tags = sets.get(set);
      if (!tags) sets.set(set, (tags = new Set()));
      tags.add(tag);
    }
  }
  return [...sets.entries()]
    .map(([set, tags]) => ({ set, tags: [...tags].sort((a, b) => a.localeCompare(b)) }))
    .sort((a, b) => a.set.localeCompare(b.set));
}

/**
 * The rows the filter keeps: the name contains the search (ignoring case), and for every tag set the
 * filter names, the tenant has one of its chosen tags (any tag within a set, every set: as Octopus).
 */
export function filterTenants<R extends { tenant: DashboardTenant }>(
  rows: readonly R[],
  filter: TenantFilter,
): R[] {
  const search = filter.search.trim().toLowerCase();
  const bySet = new Map<string, Set<string>>();
  for (const tag of filter.tags) {
    const set = tag.slice(0, Math.max(tag.indexOf('/'), 0)).toLowerCase();
    let tags = bySet.get(set);
    if (!tags) bySet.set(set, (tags = new Set()));
    tags.add(tag.toLowerCase());
  }
  return rows.filter((row) => {
    if (search !== '' && !row.tenant.name.toLowerCase().includes(search)) return false;
    for (const tags of bySet.values()) {
      if (!row.tenant.tags.some((t) => tags.has(t.toLowerCase()))) return false;
    }
    return true;
  });
}

/**
 * How often an open dashboard asks again (ms): every second while the page is visible (the query
 * cache stops in a background tab), so a deployment started or changed anywhere shows within about a
 * second. A read of an unchanged space costs the server two small queries (src/store/dashboard.ts).
 */
export const LIVE_INTERVAL_MS = 1_000;
