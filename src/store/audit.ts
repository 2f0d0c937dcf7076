/**
 * The audit log: every change a repository makes writes one row in the same transaction, so a
 * change and its record commit or roll back together. Rows are only ever inserted.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
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

/** Inserts one audit row inside `trx` (the caller's transaction). */
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
      before: change.before === undefined ? null : JSON.stringify(change.before),
      after: change.after === undefined ? null : JSON.stringify(change.after),
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
