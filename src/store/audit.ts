/**
 * The audit log: every change a repository makes writes one row in the same transaction, so a
 * change and its record commit or roll back together. Rows are only ever inserted; listAuditEvents
 * reads them back, newest first.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import { auditQuerySchema, type AuditEvent } from '../core/model/audit.js';
import type { Page } from '../core/model/page.js';
import { parseInput } from '../core/model/parse.js';
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

// The cursor is the (occurred_at, id) of the last event of the previous page. The time travels as
// text with microseconds: a JS Date would round them to milliseconds and skip or repeat events.
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function encodeCursor(time: string, id: string): string {
  return Buffer.from(JSON.stringify([time, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      typeof value[0] === 'string' &&
      CURSOR_TIME.test(value[0]) &&
      typeof value[1] === 'string'
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw new SlipwayError(
    'INVALID_INPUT',
    'Invalid audit query: audit query.cursor: not a cursor this server returned',
    { data: { issues: ['audit query.cursor: not a cursor this server returned'] } },
  );
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
    .select(
      sql<string>`to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
        'occurred_key',
      ),
    )
    .where('space_id', '=', spaceId);
  if (q.entityType !== undefined) select = select.where('entity_type', '=', q.entityType);
  if (q.entityId !== undefined) select = select.where('entity_id', '=', q.entityId);
  if (q.actor !== undefined) select = select.where('actor', '=', q.actor);
  if (q.action !== undefined) select = select.where('action', '=', q.action);
  if (q.from !== undefined) select = select.where('occurred_at', '>=', new Date(q.from));
  if (q.to !== undefined) select = select.where('occurred_at', '<', new Date(q.to));
  if (q.cursor !== undefined) {
    const [time, id] = decodeCursor(q.cursor);
    select = select.where(sql<boolean>`(occurred_at, id) < (${time}::timestamptz, ${id})`);
  }
  const rows = await select
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const items = page.map((r): AuditEvent => ({
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
  const last = page.at(-1);
  return rows.length > q.limit && last
    ? { items, nextCursor: encodeCursor(last.occurred_key, last.id) }
    : { items };
}
