/**
 * The tables as Kysely sees them, written by hand to match the migrations (snake_case, as in SQL).
 * A column's ColumnType<Select, Insert, Update> says what reads return and what writes accept.
 */
import type { ColumnType, Generated } from 'kysely';

/** Any value that survives JSON.stringify / JSON.parse. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A jsonb column: reads return the parsed value; writes take JSON text (so arrays are not sent as SQL arrays). */
type Jsonb = ColumnType<JsonValue | null, string | null, string | null>;
/** A timestamptz column that defaults to now() and may be set explicitly. */
type Timestamp = ColumnType<Date, Date | undefined, Date>;
/** A nullable timestamptz column that starts out null unless set. */
type OptionalTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;

export interface MigrationsTable {
  name: string;
  applied_at: Generated<Date>;
}

export interface SpacesTable {
  id: string;
  name: string;
  created_at: Timestamp;
}

export interface EnvironmentsTable {
  id: string;
  space_id: string;
  name: string;
  sort_order: number;
  description: string;
  guided_failure: boolean;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuditEventsTable {
  id: string;
  space_id: string | null;
  actor: string;
  occurred_at: Timestamp;
  source_ip: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: Jsonb;
  after: Jsonb;
}

export interface UsersTable {
  id: string;
  name: string;
  is_admin: Generated<boolean>;
  created_at: Timestamp;
  disabled_at: OptionalTimestamp;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  /** Public part of the key, shown in lists and used to find the row. */
  prefix: string;
  /** Hex SHA-256 of the whole key; the key itself is never stored. */
  hash: string;
  created_at: Timestamp;
  expires_at: OptionalTimestamp;
  revoked_at: OptionalTimestamp;
  last_used_at: OptionalTimestamp;
}

/** Every table of the store. */
export interface Database {
  slipway_migrations: MigrationsTable;
  spaces: SpacesTable;
  environments: EnvironmentsTable;
  audit_events: AuditEventsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
}
