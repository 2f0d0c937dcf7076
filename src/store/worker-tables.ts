/** The tables of migration 0008_workers, as Kysely sees them (part of `Database` in types.ts). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | undefined, Date>;
type OptionalTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;

/** A token an administrator created for registering workers; only its hash is stored. */
export interface WorkerRegistrationTokensTable {
  id: string;
  name: string;
  /** The pool workers registering with it must name; null = any pool. */
  pool: string | null;
  prefix: string;
  /** Hex SHA-256 of the whole token. */
  hash: string;
  created_at: Timestamp;
  expires_at: ColumnType<Date, Date, Date>;
  revoked_at: OptionalTimestamp;
}

/** A registered worker; its key is stored only as a hash. */
export interface WorkersTable {
  id: string;
  name: string;
  pool: string;
  prefix: string;
  hash: string;
  version: string;
  hostname: string | null;
  /** The registration token it registered with (kept after the token is revoked). */
  token_id: string | null;
  registered_at: Timestamp;
  last_seen_at: Timestamp;
  disabled_at: OptionalTimestamp;
}

/** A script step waiting for, or running on, a worker of a pool. */
export interface ScriptTasksTable {
  id: string;
  deployment_id: string;
  step: string;
  target: string | null;
  pool: string;
  /** A leased task whose worker is silent this long fails; the worker heartbeats at a sixth of it. */
  lease_timeout_ms: Generated<number>;
  /** queued | leased | succeeded | failed | canceled */
  state: Generated<string>;
  /** Ciphertext of the JSON payload (context `script-task/<id>/payload`); null once the task ended. */
  payload: string | null;
  worker_id: string | null;
  worker_name: string | null;
  created_at: Timestamp;
  leased_at: OptionalTimestamp;
  heartbeat_at: OptionalTimestamp;
  finished_at: OptionalTimestamp;
  error: string | null;
  /** The last events batch stored. */
  events_seq: Generated<number>;
  /** The last events batch the step applied (its log lines are not written twice on resume). */
  applied_seq: Generated<number>;
}

/** A batch of events a worker sent; the JSON is encrypted (context `script-task-event/<id>/events`). */
export interface ScriptTaskEventsTable {
  /** `<task id>:<seq>`. */
  id: string;
  task_id: string;
  seq: number;
  events: string;
  created_at: Timestamp;
}
