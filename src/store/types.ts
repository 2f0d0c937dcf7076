/**
 * The tables as Kysely sees them, written by hand to match the migrations (snake_case, as in SQL).
 * A column's ColumnType<Select, Insert, Update> says what reads return and what writes accept.
 */
import type { ColumnType, Generated } from 'kysely';
import type { SessionsTable, SignInFailuresTable } from './session-tables.js';
import type {
  ScriptTaskEventsTable,
  ScriptTasksTable,
  WorkerRegistrationTokensTable,
  WorkersTable,
} from './worker-tables.js';

/** Any value that survives JSON.stringify / JSON.parse. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A bigint as the drivers read it (pg: string; PGlite: number or bigint); Number() it. */
export type BigintValue = string | number | bigint;

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
  /** scrypt hash with its parameters and salt (passwords.ts); null: the user signs in with keys only. */
  password_hash: ColumnType<string | null, string | null | undefined, string | null>;
  password_changed_at: OptionalTimestamp;
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

export interface ResourcesTable {
  id: string;
  space_id: string;
  /** A ResourceKindName. */
  kind: string;
  /** The parent project of channels and processes. */
  parent_id: string | null;
  name: string;
  version: Generated<number>;
  /** The version of the resource's variable set (projects, library sets, tenants' values). */
  variables_version: Generated<number>;
  /** The document: references as ids, secret fields as `{ "set": boolean }` (never a value). */
  data: ColumnType<JsonValue, string, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One reference from a document (or a variable set) to something it names. */
export interface ResourceRefsTable {
  /** The resource whose document or variable set holds the reference. */
  from_id: string;
  from_kind: string;
  /** The referring resource's name when the row was written (messages read the current one). */
  from_name: string;
  /** `document` (the resource's data) or `variables` (its variable set or template values). */
  source: 'document' | 'variables';
  /** Where, e.g. `phases[0].automaticEnvironments[1]` or `variables "Colour".scope.environments[0]`. */
  path: string;
  /** The environment, resource, user or (for tags) tag set referred to. */
  to_id: string;
  /** `environment`, `user`, `tag` or a resource kind. */
  to_kind: string;
  /** What the document holds: the id, or `Set/Tag` for tags. */
  value: string;
}

/** One encrypted secret field of a resource document. */
export interface ResourceSecretsTable {
  /** `${resource_id}:${path}`; part of the ciphertext's context. */
  id: string;
  resource_id: string;
  /** Dotted path of the field in the document, e.g. `password` or `steps.0.action.token`. */
  path: string;
  /** Ciphertext (see secrets.ts). */
  value: string;
}

/** A variable of a project or library set, or a tenant's value for a variable template. */
export interface VariablesTable {
  id: string;
  space_id: string;
  owner_id: string;
  name: string;
  type: string;
  /** The value of a non-sensitive variable. */
  value: string | null;
  /** The ciphertext of a sensitive variable's value. */
  secret_value: string | null;
  description: Generated<string>;
  scope: ColumnType<JsonValue, string, string>;
  prompt: Jsonb;
  /** Tenant values only: `{ project, environment }` or `{ librarySet }` (ids). */
  template_scope: Jsonb;
  /** Position in the set as last written. */
  sort: Generated<number>;
}

/** A release: the frozen process and the packages chosen (its variables are in release_variables). */
export interface ReleasesTable {
  id: string;
  space_id: string;
  project_id: string;
  channel_id: string;
  version: string;
  notes: string;
  packages: ColumnType<JsonValue, string, string>;
  process_snapshot: ColumnType<JsonValue, string, string>;
  created_by: string;
  created_at: Timestamp;
  variables_snapshot_version: Generated<number>;
}

/** One frozen variable of a release (a ScopedVariable; sensitive values encrypted). */
export interface ReleaseVariablesTable {
  /** The row's own id (names the ciphertext). */
  id: string;
  release_id: string;
  /** The id of the variable snapshotted. */
  variable_id: string;
  /** The ScopedVariable's source: `{ kind: 'project' }` or `{ kind: 'library', setId, setName, includeOrder }`. */
  source: ColumnType<JsonValue, string, string>;
  name: string;
  type: string;
  value: string | null;
  /** Ciphertext, context `release-variable/<id>/value`. */
  secret_value: string | null;
  scope: ColumnType<JsonValue, string, string>;
  description: Generated<string>;
  prompt: Jsonb;
  sort: number;
}

/** A deployment of a release into one environment (for one tenant or untenanted). */
export interface DeploymentsTable {
  id: string;
  space_id: string;
  project_id: string;
  release_id: string;
  channel_id: string;
  environment_id: string;
  tenant_id: string | null;
  state: string;
  skipped_steps: ColumnType<JsonValue, string, string>;
  comments: string;
  guided_failure: boolean;
  /** Ciphertext of the JSON of the prompted values, context `deployment/<id>/prompted`. */
  prompted_secret: string | null;
  prompted_names: ColumnType<JsonValue, string, string>;
  created_by: string;
  created_at: Timestamp;
  started_at: OptionalTimestamp;
  finished_at: OptionalTimestamp;
  error: string | null;
  version: Generated<number>;
  /** The last task log seq handed out (bigint: pg reads a string, PGlite a number or bigint). */
  log_seq: ColumnType<BigintValue, never, BigintValue>;
  /** While the engine finds it stalled: when it last made progress (migration 0007). */
  stalled_since: OptionalTimestamp;
}

/** The engine's progress on one step × target. */
export interface DeploymentStepsTable {
  deployment_id: string;
  step: number;
  /** '' when the step has no target. */
  target_id: string;
  /** Generated: `<deployment>:<step>:<target>` (the outputs' ciphertext context). */
  id: ColumnType<string, never, never>;
  state: string;
  progress: ColumnType<JsonValue, string, string>;
  /** Ciphertext of the JSON of the outputs, context `deployment-step/<id>/outputs`. */
  outputs_secret: string | null;
  sensitive_outputs: ColumnType<JsonValue, string, string>;
  updated_at: Timestamp;
}

/** One line of a deployment's task log. */
export interface TaskLogTable {
  deployment_id: string;
  seq: ColumnType<BigintValue, number, number>;
  path: ColumnType<JsonValue, string, string>;
  level: string;
  at: ColumnType<Date, Date, Date>;
  message: string;
  /** The event code of a coded line (migration 0006); null on plain lines. */
  code: string | null;
  /** The event's data (masked) of a coded line; null on plain lines. */
  data: Jsonb;
}

/** A pause of a deployment waiting for a person's answer. */
export interface InterruptionsTable {
  id: string;
  deployment_id: string;
  kind: string;
  step: string;
  target: string | null;
  title: string;
  instructions: string;
  responsible_team_ids: ColumnType<JsonValue, string, string>;
  created_at: Timestamp;
  answer: string | null;
  answered_by: string | null;
  answered_at: OptionalTimestamp;
  notes: string | null;
}

/** Every table of the store. */
export interface Database {
  slipway_migrations: MigrationsTable;
  spaces: SpacesTable;
  environments: EnvironmentsTable;
  audit_events: AuditEventsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  resources: ResourcesTable;
  resource_refs: ResourceRefsTable;
  resource_secrets: ResourceSecretsTable;
  variables: VariablesTable;
  releases: ReleasesTable;
  release_variables: ReleaseVariablesTable;
  deployments: DeploymentsTable;
  deployment_steps: DeploymentStepsTable;
  task_log: TaskLogTable;
  interruptions: InterruptionsTable;
  worker_registration_tokens: WorkerRegistrationTokensTable;
  workers: WorkersTable;
  script_tasks: ScriptTasksTable;
  script_task_events: ScriptTaskEventsTable;
  sessions: SessionsTable;
  sign_in_failures: SignInFailuresTable;
}
