/**
 * Rules between kinds that the generic repository applies by kind name: a project comes with its
 * deployment process and a default channel; a project has exactly one default channel; singletons
 * live and die with their parent; a tag set cannot drop (or rename away) tags in use.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Resource, ResourceKind } from '../core/model/resource.js';
import type { JsonObject } from './doc-path.js';
import { inUseError, usagesOf } from './resource-refs.js';
import { resourceAudit, toResource } from './resource-rows.js';
import {
  insertResource,
  notAllowed,
  prepareDocument,
  type PreparedDoc,
  type WriteContext,
} from './resource-writes.js';

/** The channel every new project starts with. */
export const DEFAULT_CHANNEL_NAME = 'Default';

function isDefaultChannel(data: Record<string, unknown>): boolean {
  return data.isDefault === true;
}

/** Creates a new project's deployment process (no steps) and its default channel. */
export async function createProjectChildren(ctx: WriteContext, project: Resource): Promise<void> {
  const children: [ResourceKind, unknown][] = [
    [ctx.kinds.process, { steps: [] }],
    [ctx.kinds.channel, { name: DEFAULT_CHANNEL_NAME, isDefault: true }],
  ];
  for (const [kind, input] of children) {
    const doc = await prepareDocument(ctx, kind, input, project.id, undefined);
    await insertResource(ctx, kind, `${kind.idPrefix}-${randomUUID()}`, project.id, doc);
  }
}

/** Refuses to create a singleton (it comes with its parent). */
export function assertCreatable(kind: ResourceKind): void {
  if (!kind.singleton) return;
  throw notAllowed(
    `A ${kind.label} cannot be created on its own: every ${kind.parent ?? 'parent'} has one, made with it. ` +
      `Read it and replace it instead.`,
    { entity: kind.name },
  );
}

/** Refuses to delete a singleton or a project's default channel. */
export function assertDeletable(kind: ResourceKind, resource: Resource): void {
  if (kind.singleton) {
    throw notAllowed(
      `A ${kind.label} cannot be deleted on its own: it is deleted with its ${kind.parent ?? 'parent'}. ` +
        `Replace it with an empty one instead.`,
      { entity: kind.name, id: resource.id },
    );
  }
  if (kind.name === 'channel' && isDefaultChannel(resource.data)) {
    throw notAllowed(
      `Cannot delete channel "${resource.name}": it is its project's default channel. Make another channel ` +
        `the default first (isDefault: true on it), then delete this one.`,
      { entity: kind.name, id: resource.id },
    );
  }
}

/**
 * One default channel per project: a channel that becomes the default takes the flag from the
 * others (each change audited); the default cannot give it up directly. `before` is undefined on
 * create. With `dryRun`, only checks.
 */
export async function applyChannelDefault(
  ctx: WriteContext,
  kind: ResourceKind,
  channelId: string,
  projectId: string,
  before: Resource | undefined,
  data: JsonObject,
  dryRun: boolean,
): Promise<void> {
  if (kind.name !== 'channel') return;
  if (before && isDefaultChannel(before.data) && !isDefaultChannel(data)) {
    throw notAllowed(
      `channel.isDefault: channel "${before.name}" is its project's default channel and stays so until ` +
        `another takes over. Make another channel the default first (isDefault: true on it).`,
      { entity: kind.name, id: channelId },
    );
  }
  if (!isDefaultChannel(data) || (before && isDefaultChannel(before.data)) || dryRun) return;
  const others = await ctx.trx
    .selectFrom('resources')
    .selectAll()
    .where('space_id', '=', ctx.spaceId)
    .where('kind', '=', kind.name)
    .where('parent_id', '=', projectId)
    .where('id', '<>', channelId)
    .where(sql<boolean>`data @> '{"isDefault": true}'::jsonb`)
    .forNoKeyUpdate()
    .execute();
  for (const row of others) {
    const previous = toResource(row);
    const updated = await ctx.trx
      .updateTable('resources')
      .set((eb) => ({
        data: JSON.stringify({ ...previous.data, isDefault: false }),
        version: eb('version', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await resourceAudit.updated(ctx.trx, ctx.by, ctx.spaceId, previous, toResource(updated));
  }
}

function tagNames(setName: string, data: Record<string, unknown>): Set<string> {
  const tags = Array.isArray(data.tags) ? (data.tags as { name?: unknown }[]) : [];
  return new Set(
    tags.flatMap((t) => (typeof t.name === 'string' ? [`${setName}/${t.name}`.toLowerCase()] : [])),
  );
}

/** IN_USE when a new version of a tag set drops (or renames away) a tag something uses. */
export async function assertTagsKept(
  ctx: WriteContext,
  kind: ResourceKind,
  before: Resource,
  after: PreparedDoc,
): Promise<void> {
  if (kind.name !== 'tag-set') return;
  const kept = tagNames(after.name, after.data);
  const used = await ctx.trx
    .selectFrom('resource_refs')
    .select('value')
    .distinct()
    .where('to_id', '=', before.id)
    .where('to_kind', '=', 'tag')
    .execute();
  const lost = used.map((u) => u.value).filter((v) => !kept.has(v.toLowerCase()));
  if (lost.length === 0) return;
  const usages = await usagesOf(ctx.trx, before.id, [before.id], lost);
  if (usages.length === 0) return;
  const renamed = after.name.toLowerCase() !== before.name.toLowerCase();
  const quoted = lost.map((v) => `"${v}"`).join(', ');
  const head = renamed
    ? `Cannot rename tag set "${before.name}" to "${after.name}": its tags ${quoted} are`
    : `Cannot remove tag${lost.length > 1 ? 's' : ''} ${quoted} from tag set "${before.name}": ` +
      `${lost.length > 1 ? 'they are' : 'it is'}`;
  throw inUseError(head, usages, ctx.kinds, { entity: kind.name, id: before.id, tags: lost });
}
