/**
 * References between resources: checking that what a document (or variable set) names exists in
 * the space, rewriting names to ids, recording each reference in resource_refs, and, before a
 * delete, naming whatever still refers to a thing (IN_USE).
 */
import type { Transaction } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import type { RefTarget, ResourceKind, ResourceKindName } from '../core/model/resource.js';
import type { Database } from './types.js';

/** Resource kinds by name (RESOURCE_KINDS, or test kinds). */
export type KindRegistry = Readonly<Record<ResourceKindName, ResourceKind>>;

/** One reference to check: what the caller wrote, and where. */
export interface RefRequest {
  /** Where, as resource_refs stores it: `phases[0].automaticEnvironments[1]`. */
  path: string;
  /** Where, as messages name it: `lifecycle.phases[0].automaticEnvironments[1]`. */
  where: string;
  target: RefTarget;
  /** An id or a name (ignoring case); tags `Set/Tag`. */
  value: string;
  /** The project whose channels (nested kinds) a name is looked up in; undefined = the whole space. */
  projectId?: string;
}

/** A reference found: the id it points at and what the document holds from now on. */
export interface ResolvedRef {
  path: string;
  target: RefTarget;
  /** The environment, resource, user or (tags) tag set. */
  toId: string;
  /** What the document holds: the id, or the canonical `Set/Tag`. */
  value: string;
}

interface Candidate {
  id: string;
  name: string;
  parent_id: string | null;
  data?: unknown;
}

// Big IN lists are split so no statement nears PostgreSQL's parameter limit.
const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The label of a reference target in messages (`library variable set`, `environment`, ...). */
export function targetLabel(target: string, kinds: KindRegistry): string {
  return (kinds as Partial<Record<string, ResourceKind>>)[target]?.label ?? target;
}

async function candidates(
  trx: Transaction<Database>,
  spaceId: string,
  target: RefTarget,
  values: string[],
): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const part of chunks([...new Set(values)])) {
    const lower = part.map((v) => v.toLowerCase());
    if (target === 'environment') {
      // KEY SHARE: a concurrent delete of the environment waits for this transaction.
      const rows = await trx
        .selectFrom('environments')
        .select(['id', 'name'])
        .where('space_id', '=', spaceId)
        .where((eb) => eb.or([eb('id', 'in', part), eb(eb.fn('lower', ['name']), 'in', lower)]))
        .forKeyShare()
        .execute();
      out.push(...rows.map((r) => ({ ...r, parent_id: null })));
    } else if (target === 'user') {
      const rows = await trx
        .selectFrom('users')
        .select(['id', 'name'])
        .where((eb) => eb.or([eb('id', 'in', part), eb(eb.fn('lower', ['name']), 'in', lower)]))
        .execute();
      out.push(...rows.map((r) => ({ ...r, parent_id: null })));
    } else {
      const query = trx
        .selectFrom('resources')
        .select(['id', 'name', 'parent_id', 'data'])
        .where('space_id', '=', spaceId)
        .where('kind', '=', target === 'tag' ? 'tag-set' : target)
        .where((eb) => eb.or([eb('id', 'in', part), eb(eb.fn('lower', ['name']), 'in', lower)]));
      // A tag lives inside its set's document: SHARE also keeps a change of the set's tags waiting.
      out.push(...(await (target === 'tag' ? query.forShare() : query.forKeyShare()).execute()));
    }
  }
  return out;
}

function pick(
  rows: Candidate[],
  value: string,
  projectId: string | undefined,
): Candidate | 'missing' | 'ambiguous' {
  const byId = rows.find((r) => r.id === value);
  if (byId) return projectId !== undefined && byId.parent_id !== projectId ? 'missing' : byId;
  const lower = value.toLowerCase();
  const named = rows.filter(
    (r) => r.name.toLowerCase() === lower && (projectId === undefined || r.parent_id === projectId),
  );
  if (named.length > 1) return 'ambiguous';
  return named[0] ?? 'missing';
}

function tagsOf(set: Candidate): string[] {
  const tags = (set.data as { tags?: unknown } | undefined)?.tags;
  return Array.isArray(tags)
    ? tags.flatMap((t) =>
        typeof (t as { name?: unknown }).name === 'string' ? [(t as { name: string }).name] : [],
      )
    : [];
}

/**
 * Checks every reference (several at once, one query per target) and returns them in order with the
 * ids they point at; INVALID_INPUT naming each one that does not resolve (`Invalid ${root}: ...`).
 */
export async function resolveRefs(
  trx: Transaction<Database>,
  spaceId: string,
  requests: readonly RefRequest[],
  root: string,
  kinds: KindRegistry,
): Promise<ResolvedRef[]> {
  const byTarget = new Map<RefTarget, Candidate[]>();
  for (const target of new Set(requests.map((r) => r.target))) {
    const values = requests
      .filter((r) => r.target === target)
      .map((r) => (target === 'tag' ? r.value.slice(0, Math.max(r.value.indexOf('/'), 0)) : r.value))
      .filter((v) => v !== '');
    byTarget.set(target, values.length === 0 ? [] : await candidates(trx, spaceId, target, values));
  }
  const issues: string[] = [];
  const resolved: ResolvedRef[] = [];
  for (const r of requests) {
    const rows = byTarget.get(r.target) ?? [];
    const label = targetLabel(r.target, kinds);
    if (r.target === 'tag') {
      const slash = r.value.indexOf('/');
      const set = slash > 0 ? pick(rows, r.value.slice(0, slash), undefined) : 'missing';
      const tagName = r.value.slice(slash + 1);
      if (slash <= 0 || tagName === '') {
        issues.push(`${r.where}: a tenant tag is written "Set/Tag", not "${r.value}"`);
      } else if (typeof set === 'string') {
        issues.push(
          `${r.where}: there is no tag set "${r.value.slice(0, slash)}" in this space; create it first or fix the name`,
        );
      } else {
        const tags = tagsOf(set);
        const tag = tags.find((t) => t.toLowerCase() === tagName.toLowerCase());
        if (tag === undefined) {
          issues.push(
            `${r.where}: tag set "${set.name}" has no tag "${tagName}" (it has ${tags.map((t) => `"${t}"`).join(', ') || 'none'}); add it to the set first or fix the name`,
          );
        } else {
          resolved.push({ path: r.path, target: r.target, toId: set.id, value: `${set.name}/${tag}` });
        }
      }
      continue;
    }
    const nested = r.target !== 'environment' && r.target !== 'user' && kinds[r.target].parent !== undefined;
    const found = pick(rows, r.value, nested ? r.projectId : undefined);
    if (found === 'missing') {
      const where = r.target === 'user' ? '' : nested && r.projectId ? ' in this project' : ' in this space';
      issues.push(`${r.where}: there is no ${label} "${r.value}"${where}; create it first or fix the name`);
    } else if (found === 'ambiguous') {
      issues.push(`${r.where}: several ${label}s are named "${r.value}"; use the id instead`);
    } else {
      resolved.push({ path: r.path, target: r.target, toId: found.id, value: found.id });
    }
  }
  if (issues.length > 0) {
    throw new SlipwayError('INVALID_INPUT', `Invalid ${root}: ${issues.join('; ')}`, { data: { issues } });
  }
  return resolved;
}

/** Who refers: a resource (or the owner of a variable set) and where. */
export interface RefOwner {
  id: string;
  kind: string;
  name: string;
}

/** Replaces the reference rows `from` holds in `source` (its document, or its variables) with `refs`. */
export async function writeRefs(
  trx: Transaction<Database>,
  from: RefOwner,
  source: 'document' | 'variables',
  refs: readonly ResolvedRef[],
): Promise<void> {
  await trx.deleteFrom('resource_refs').where('from_id', '=', from.id).where('source', '=', source).execute();
  for (const part of chunks(refs)) {
    await trx
      .insertInto('resource_refs')
      .values(
        part.map((r) => ({
          from_id: from.id,
          from_kind: from.kind,
          from_name: from.name,
          source,
          path: r.path,
          to_id: r.toId,
          to_kind: r.target,
          value: r.value,
        })),
      )
      .execute();
  }
}

/** Removes every reference row held by these resources (they are being deleted). */
export async function deleteRefsFrom(trx: Transaction<Database>, fromIds: readonly string[]): Promise<void> {
  for (const part of chunks(fromIds))
    await trx.deleteFrom('resource_refs').where('from_id', 'in', part).execute();
}

/** One user of a thing, with every place it refers to it. */
export interface Usage {
  id: string;
  kind: string;
  name: string;
  parent?: { kind: string; name: string };
  paths: string[];
}

/**
 * Who refers to `toId` (any of `values` only, for tags), apart from the resources in `exclude` (the
 * thing itself and its children, deleted with it), grouped by user, in a stable order.
 */
export async function usagesOf(
  trx: Transaction<Database>,
  toId: string,
  exclude: readonly string[],
  values?: readonly string[],
): Promise<Usage[]> {
  let query = trx
    .selectFrom('resource_refs as r')
    .leftJoin('resources as res', 'res.id', 'r.from_id')
    .leftJoin('resources as p', 'p.id', 'res.parent_id')
    .select([
      'r.from_id',
      'r.from_kind',
      'r.from_name',
      'r.path',
      'r.value',
      'res.name',
      'p.kind as parent_kind',
    ])
    .select('p.name as parent_name')
    .where('r.to_id', '=', toId);
  if (exclude.length > 0) query = query.where('r.from_id', 'not in', [...exclude]);
  const lowered = values?.map((v) => v.toLowerCase());
  const rows = (await query.execute()).filter(
    (row) => lowered === undefined || lowered.includes(row.value.toLowerCase()),
  );
  const byOwner = new Map<string, Usage>();
  for (const row of rows) {
    let usage = byOwner.get(row.from_id);
    if (!usage) {
      usage = {
        id: row.from_id,
        kind: row.from_kind,
        name: row.name ?? row.from_name,
        ...(row.parent_kind && row.parent_name
          ? { parent: { kind: row.parent_kind, name: row.parent_name } }
          : {}),
        paths: [],
      };
      byOwner.set(row.from_id, usage);
    }
    usage.paths.push(row.path);
  }
  const sortKey = (u: Usage) =>
    `${u.kind}\u0000${u.parent?.name ?? ''}\u0000${u.name.toLowerCase()}\u0000${u.id}`;
  const out = [...byOwner.values()].sort((a, b) =>
    sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0,
  );
  for (const u of out) u.paths.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return out;
}

/** How many users a message names before "and N more". */
export const MAX_NAMED_USERS = 10;

/** `project "web" (lifecycle), channel "Beta" of project "web" (lifecycle)`, and N more. */
export function describeUsages(usages: readonly Usage[], kinds: KindRegistry): string {
  const named = usages.slice(0, MAX_NAMED_USERS).map((u) => {
    const of = u.parent ? ` of ${targetLabel(u.parent.kind, kinds)} "${u.parent.name}"` : '';
    // A singleton (the process) is named by its parent alone: `deployment process of project "web"`.
    const singleton = (kinds as Partial<Record<string, ResourceKind>>)[u.kind]?.singleton === true;
    const name = singleton && u.parent ? '' : ` "${u.name}"`;
    return `${targetLabel(u.kind, kinds)}${name}${of} (${u.paths.join(', ')})`;
  });
  const more = usages.length - named.length;
  return named.join(', ') + (more > 0 ? `, and ${more} more` : '');
}

/** IN_USE: `${head} used by <users>. Remove those references first.` (head: `Cannot delete x "y": it is`). */
export function inUseError(
  head: string,
  usages: readonly Usage[],
  kinds: KindRegistry,
  data: Record<string, unknown>,
): SlipwayError {
  return new SlipwayError(
    'IN_USE',
    `${head} used by ${describeUsages(usages, kinds)}. Remove those references first.`,
    {
      data: {
        ...data,
        usedBy: usages.map((u) => ({
          kind: u.kind,
          id: u.id,
          name: u.name,
          ...(u.parent ? { parent: u.parent } : {}),
          paths: u.paths,
        })),
      },
    },
  );
}
