/**
 * The audit log: every change a repository makes writes one row in the same transaction, so a
 * change and its record commit or roll back together. Rows are only ever inserted; listAuditEvents
 * reads them back, newest first.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { auditQuerySchema, type AuditEvent } from '../core/model/audit.js';
import type { Page } from '../core/model/page.js';
import { parseInput } from '../core/model/parse.js';
import { beforeTimeCursor, newestFirstPage, timeKey } from './cursor.js';
import type { Database, JsonValue } from './types.js';

/** Who is making a change and from where; every mutating repository call takes one. */
export interface Actor {
  /** A user name or API key owner, e.g. `alice` or `system`. */
  actor: string;
  /** The client's address, when the change came over the network. */
  sourceIp?: string;
}

/** What changed: `before` is absent on create, `after` on delete. */
export interface AuditChange {
  spaceId: string | null;
  action: 'create' | 'update' | 'delete';
  entityType: string;
  entityId: string;
  before?: JsonValue;
  after?: JsonValue;
}

/** What a redacted value is stored as. */
export const REDACTED = '[redacted]';

// Matched against the words of a key (`apiKey` → api, key; `db_password` → db, password), not
// substrings, so `monkey` or `tokenizer` are kept while `accessKeyId` and `secrets` are not.
const SECRET_WORDS = new Set([
  'secret',
  'secrets',
  'password',
  'passwords',
  'key',
  'keys',
  'token',
  'tokens',
]);

function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((w) => SECRET_WORDS.has(w));
}

/**
 * A copy of `value` with every non-null value under a secret-looking key (at any depth) replaced by
 * `"[redacted]"`. The audit log outlives the secrets' rotation and is readable by more people than
 * the secrets themselves, so values never reach it; that something changed still shows.
 */
export function redactSecrets(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = v !== null && isSecretKey(k) ? REDACTED : redactSecrets(v);
  }
  return out;
}

/** Inserts one audit row inside `trx` (the caller's transaction); secret-looking keys are redacted. */
export async function recordAudit(trx: Transaction<Database>, by: Actor, change: AuditChange): Promise<void> {
  await trx
    .insertInto('audit_events')
    .values({
      id: `AuditEvents-${randomUUID()}`,
      space_id: change.spaceId,
      actor: by.actor,
      source_ip: by.sourceIp ?? null,
      action: change.action,
      entity_type: change.entityType,
      entity_id: change.entityId,
      before: change.before === undefined ? null : JSON.stringify(redactSecrets(change.before)),
      after: change.after === undefined ? null : JSON.stringify(redactSecrets(change.after)),
    })
    .execute();
}

/** The audit rows of one entity type, each value stored as `toJson` makes it (see auditTrail). */
export interface AuditTrail<T extends { id: string }> {
  /** Records that `after` was created; returns it. */
  created(trx: Transaction<Database>, by: Actor, spaceId: string | null, after: T): Promise<T>;
  /** Records the change of `before` into `after` (the same entity); returns `after`. */
  updated(trx: Transaction<Database>, by: Actor, spaceId: string | null, before: T, after: T): Promise<T>;
  /** Records that `before` was deleted. */
  deleted(trx: Transaction<Database>, by: Actor, spaceId: string | null, before: T): Promise<void>;
}

/**
 * The create / update / delete records of entities of type `entityType` (or, for a mixed kind, the
 * type each entity names), stored through `toJson`, so that a repository writes
 * `return trail.updated(trx, by, spaceId, before, after)` instead of the audit row's every field.
 */
export function auditTrail<T extends { id: string }>(
  entityType: string | ((entity: T) => string),
  toJson: (entity: T) => JsonValue,
): AuditTrail<T> {
  const typeOf = typeof entityType === 'string' ? () => entityType : entityType;
  const record = (
    trx: Transaction<Database>,
    by: Actor,
    spaceId: string | null,
    action: AuditChange['action'],
    entity: T,
    json: Pick<AuditChange, 'before' | 'after'>,
  ) => recordAudit(trx, by, { spaceId, action, entityType: typeOf(entity), entityId: entity.id, ...json });
  return {
    async created(trx, by, spaceId, after) {
      await record(trx, by, spaceId, 'create', after, { after: toJson(after) });
      return after;
    },
    async updated(trx, by, spaceId, before, after) {
      await record(trx, by, spaceId, 'update', after, { before: toJson(before), after: toJson(after) });
      return after;
    },
    deleted: (trx, by, spaceId, before) =>
      record(trx, by, spaceId, 'delete', before, { before: toJson(before) }),
  };
}

/**
 * Runs `fn` in a transaction: the caller's, when `db` already is one (so several repository calls
 * can commit together), else a new one.
 */
export async function inTransaction<T>(
  db: Kysely<Database>,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? fn(db as Transaction<Database>) : db.transaction().execute(fn);
}

/**
 * One page of the space's audit events, newest first, filtered by `entityType`, `entityId`, `actor`,
 * `action` and the window `from` (inclusive) .. `to` (exclusive); INVALID_INPUT names a bad field.
 */
export async function listAuditEvents(
  db: Kysely<Database>,
  spaceId: string,
  query: unknown = {},
): Promise<Page<AuditEvent>> {
  const q = parseInput(auditQuerySchema, query, 'audit query');
  let select = db
    .selectFrom('audit_events')
    .selectAll()
    // The cursor is the (occurred_at, id) of the last event of the previous page.
    .select(timeKey('occurred_at').as('time_key'))
    .where('space_id', '=', spaceId);
  if (q.entityType !== undefined) select = select.where('entity_type', '=', q.entityType);
  if (q.entityId !== undefined) select = select.where('entity_id', '=', q.entityId);
  if (q.actor !== undefined) select = select.where('actor', '=', q.actor);
  if (q.action !== undefined) select = select.where('action', '=', q.action);
  if (q.from !== undefined) select = select.where('occurred_at', '>=', new Date(q.from));
  if (q.to !== undefined) select = select.where('occurred_at', '<', new Date(q.to));
  if (q.cursor !== undefined) select = select.where(beforeTimeCursor(q.cursor, 'occurred_at', 'audit query'));
  const rows = await select
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  return newestFirstPage(rows, q.limit, (r): AuditEvent => ({
    id: r.id,
    spaceId: r.space_id,
    actor: r.actor,
    sourceIp: r.source_ip,
    occurredAt: r.occurred_at,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
  }));
}
