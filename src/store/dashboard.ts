/**
 * The dashboard's read model: per (project, environment, tenant or none) the latest deployment with
 * its release's version. The skip scan of deployment-queries.ts finds them in one query, but it
 * probes once per group (15,500 groups: most of a second); so each space's groups are kept in memory
 * and brought up to date on every read by two small queries over the database's own state (so it is
 * right with several nodes on one database):
 * - new deployments: the ids created since a minute before the newest one seen (deployments_space_idx),
 *   of which only the unknown ones are read — the minute covers transactions that commit out of
 *   order (created_at is the inserting transaction's start);
 * - deployments that can still change: a final state never changes again (deployments.transition),
 *   so only the cached latest rows not yet final are read again.
 * Deployments disappear only with their project (a release or environment with deployments cannot
 * be deleted; tenant_id has no foreign key), so groups of projects that are gone are dropped.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { isFinalState, type Deployment } from '../core/model/release.js';
import { latestDeploymentRows } from './deployment-queries.js';
import type { Database, DeploymentsTable } from './types.js';

/** One row of the dashboard. */
export interface DashboardItem {
  projectId: string;
  environmentId: string;
  tenantId?: string;
  releaseId: string;
  releaseVersion: string;
  deploymentId: string;
  state: Deployment['state'];
  createdAt: Date;
  /** Who started the deployment (a user name). */
  createdBy: string;
  startedAt?: Date;
  finishedAt?: Date;
}

/** How far before the newest deployment seen new ones may still appear (slow transactions). */
const WINDOW_MS = 60_000;

type Row = Selectable<DeploymentsTable> & { release_version: string };

interface SpaceModel {
  /** project → `environment \0 tenant` → latest. */
  byProject: Map<string, Map<string, DashboardItem>>;
  /** The newest created_at seen; undefined before any deployment. */
  newest?: Date;
  /** The ids created within WINDOW_MS before `newest` when last read, all merged. */
  recent: Set<string>;
  /** The window's start, count and hash of ids when `recent` was read. */
  fingerprint?: string;
  /** Serialises refreshes of this space. */
  queue: Promise<unknown>;
}

const models = new WeakMap<Kysely<Database>, Map<string, SpaceModel>>();

function toItem(row: Row): DashboardItem {
  return {
    projectId: row.project_id,
    environmentId: row.environment_id,
    ...(row.tenant_id === null ? {} : { tenantId: row.tenant_id }),
    releaseId: row.release_id,
    releaseVersion: row.release_version,
    deploymentId: row.id,
    state: row.state as Deployment['state'],
    createdAt: row.created_at,
    createdBy: row.created_by,
    ...(row.started_at === null ? {} : { startedAt: row.started_at }),
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
  };
}

/** True when `a` is the same deployment as `b` or newer (created_at, then id: the skip scan's order). */
function newerOrSame(a: DashboardItem, b: DashboardItem): boolean {
  const at = a.createdAt.getTime() - b.createdAt.getTime();
  return at > 0 || (at === 0 && a.deploymentId >= b.deploymentId);
}

function merge(model: SpaceModel, item: DashboardItem): void {
  let groups = model.byProject.get(item.projectId);
  if (!groups) model.byProject.set(item.projectId, (groups = new Map()));
  const key = `${item.environmentId}\u0000${item.tenantId ?? ''}`;
  const current = groups.get(key);
  if (!current || newerOrSame(item, current)) groups.set(key, item);
  if (!model.newest || item.createdAt > model.newest) model.newest = item.createdAt;
}

async function build(db: Kysely<Database>, spaceId: string, model: SpaceModel): Promise<void> {
  const result = await sql<Row>`
    select latest.*, r.version as release_version
      from (${latestDeploymentRows(spaceId)}) latest
      join releases r on r.id = latest.release_id`.execute(db);
  for (const row of result.rows) merge(model, toItem(row));
  await refresh(db, spaceId, model);
}

async function refresh(db: Kysely<Database>, spaceId: string, model: SpaceModel): Promise<void> {
  const since = new Date((model.newest?.getTime() ?? 0) - WINDOW_MS);
  // A fingerprint first (count and the xor of the ids' hashes): a bulk of deployments inside the
  // window (an import, a release to 1,000 tenants) then costs one aggregate per read, not their ids,
  // until something changes. Taken before the ids, so a row that lands in between is read again.
  const print = await sql<{ n: number | string; h: number | string }>`
    select count(*) as n, coalesce(bit_xor(hashtext(id)), 0) as h
      from deployments where space_id = ${spaceId} and created_at >= ${since}`.execute(db);
  const fingerprint = `${since.toISOString()} ${String(print.rows[0]?.n)} ${String(print.rows[0]?.h)}`;
  const same = fingerprint === model.fingerprint;
  const recent = same
    ? []
    : await db
        .selectFrom('deployments')
        .select('id')
        .where('space_id', '=', spaceId)
        .where('created_at', '>=', since)
        .execute();
  const unknown = recent.map((r) => r.id).filter((id) => !model.recent.has(id));
  const active: string[] = [];
  for (const groups of model.byProject.values()) {
    for (const item of groups.values()) if (!isFinalState(item.state)) active.push(item.deploymentId);
  }
  const ids = [...new Set([...unknown, ...active])];
  if (ids.length > 0) {
    const rows = await sql<Row>`
      select d.*, r.version as release_version
        from deployments d join releases r on r.id = d.release_id
       where d.id in (${sql.join(ids.map((id) => sql`${id}`))})`.execute(db);
    for (const row of rows.rows) merge(model, toItem(row));
  }
  // Ids that fall out of the window are never asked for again: the set holds this window's only.
  if (!same) {
    model.recent = new Set(recent.map((r) => r.id));
    model.fingerprint = fingerprint;
  }
}

/** The space's model, up to date with the database as of this call. */
async function upToDate(db: Kysely<Database>, spaceId: string): Promise<SpaceModel> {
  let spaces = models.get(db);
  if (!spaces) models.set(db, (spaces = new Map()));
  let model = spaces.get(spaceId);
  let first = false;
  if (!model) {
    model = { byProject: new Map(), recent: new Set(), queue: Promise.resolve() };
    spaces.set(spaceId, model);
    first = true;
  }
  const m = model;
  const run = m.queue.then(() => (first ? build(db, spaceId, m) : refresh(db, spaceId, m)));
  // A failed build is retried by the next read from scratch.
  m.queue = run.catch(() => {
    if (first) spaces.delete(spaceId);
  });
  await run;
  return m;
}

/**
 * The latest deployment per project × environment (× tenant) of the space, with its release's
 * version; `projectIds` (default all) narrows, and an empty set answers [] without a query.
 * Ordered by project, environment, tenant (untenanted first). Projects that no longer exist are
 * dropped when `existingProjects` is given.
 */
export async function dashboardItems(
  db: Kysely<Database>,
  spaceId: string,
  projectIds?: ReadonlySet<string>,
  existingProjects?: ReadonlySet<string>,
): Promise<DashboardItem[]> {
  if (projectIds?.size === 0) return [];
  const model = await upToDate(db, spaceId);
  dropGone(model, existingProjects);
  const out: DashboardItem[] = [];
  const projects = projectIds ? [...projectIds] : [...model.byProject.keys()];
  for (const projectId of projects.sort(cmp)) {
    const groups = model.byProject.get(projectId);
    if (!groups) continue;
    const mine = [...groups.values()].sort(
      (a, b) => cmp(a.environmentId, b.environmentId) || cmp(a.tenantId ?? '', b.tenantId ?? ''),
    );
    for (const item of mine) out.push(item);
  }
  return out;
}

/** Drops the groups of projects that no longer exist (their deployments went with them). */
function dropGone(model: SpaceModel, existingProjects: ReadonlySet<string> | undefined): void {
  if (!existingProjects) return;
  for (const id of model.byProject.keys()) if (!existingProjects.has(id)) model.byProject.delete(id);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One project × environment of the whole-space view. */
export interface DashboardCell {
  projectId: string;
  environmentId: string;
  /** The latest untenanted deployment. */
  untenanted?: DashboardItem;
  /** The newest of the tenants' latest deployments. */
  newestTenant?: DashboardItem;
  /** How many tenants' latest deployment is in each state. */
  tenantStates: Partial<Record<Deployment['state'], number>>;
}

/**
 * The whole-space view: per project × environment deployed to, the latest untenanted deployment,
 * the newest tenant's and the tenants' states counted; `projectIds` (default all) narrows. Ordered
 * by project, environment.
 */
export async function dashboardCells(
  db: Kysely<Database>,
  spaceId: string,
  projectIds?: ReadonlySet<string>,
  existingProjects?: ReadonlySet<string>,
): Promise<DashboardCell[]> {
  if (projectIds?.size === 0) return [];
  const model = await upToDate(db, spaceId);
  dropGone(model, existingProjects);
  const cells: DashboardCell[] = [];
  const projects = projectIds ? [...projectIds] : [...model.byProject.keys()];
  for (const projectId of projects.sort(cmp)) {
    // Per environment, without sorting the tenants: a cell only counts them.
    const byEnv = new Map<string, DashboardItem[]>();
    for (const item of model.byProject.get(projectId)?.values() ?? []) {
      const list = byEnv.get(item.environmentId);
      if (list) list.push(item);
      else byEnv.set(item.environmentId, [item]);
    }
    for (const env of [...byEnv.keys()].sort(cmp)) cells.push(...cellsOf(byEnv.get(env)!));
  }
  return cells;
}

/** Folds items (grouped by project, environment; tenants in any order) into cells. */
export function cellsOf(items: readonly DashboardItem[]): DashboardCell[] {
  const cells: DashboardCell[] = [];
  let cell: DashboardCell | undefined;
  for (const item of items) {
    if (!cell || cell.projectId !== item.projectId || cell.environmentId !== item.environmentId) {
      cell = { projectId: item.projectId, environmentId: item.environmentId, tenantStates: {} };
      cells.push(cell);
    }
    if (item.tenantId === undefined) {
      cell.untenanted = item;
      continue;
    }
    cell.tenantStates[item.state] = (cell.tenantStates[item.state] ?? 0) + 1;
    if (!cell.newestTenant || newerOrSame(item, cell.newestTenant)) cell.newestTenant = item;
  }
  return cells;
}

/** Forgets every cached space of `db` (tests that rewrite history behind the store's back). */
export function forgetDashboard(db: Kysely<Database>): void {
  models.delete(db);
}
