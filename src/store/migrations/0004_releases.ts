/**
 * Releases and deployments: a release freezes a project's process and variables (sensitive values
 * encrypted, one row per variable); a deployment runs a release into one environment (per tenant)
 * as a task with per-step progress, a log and interruptions.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table releases (
      id text primary key,
      space_id text not null references spaces (id),
      project_id text not null references resources (id) on delete cascade,
      channel_id text not null references resources (id),
      version text not null,
      notes text not null default '',
      packages jsonb not null,
      process_snapshot jsonb not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      variables_snapshot_version integer not null default 1
    )`.execute(db);
  await sql`create unique index releases_version_key on releases (project_id, lower(version))`.execute(db);
  await sql`create index releases_project_idx on releases (project_id, created_at desc, id desc)`.execute(db);
  await sql`create index releases_space_idx on releases (space_id, created_at desc, id desc)`.execute(db);
  await sql`create index releases_channel_idx on releases (channel_id)`.execute(db);

  // `id` is the row's own; `variable_id` the snapshotted variable's (the resolution tie-break).
  await sql`
    create table release_variables (
      id text primary key,
      release_id text not null references releases (id) on delete cascade,
      variable_id text not null,
      source jsonb not null,
      name text not null,
      type text not null,
      value text,
      secret_value text,
      scope jsonb not null,
      description text not null default '',
      prompt jsonb,
      sort integer not null
    )`.execute(db);
  await sql`create index release_variables_release_idx on release_variables (release_id, sort)`.execute(db);

  // A project (or environment) takes its deployments with it. A release with deployments cannot be
  // deleted on its own; the check is NO ACTION rather than RESTRICT so that deleting a project, which
  // cascades to both releases and deployments in one statement, still works.
  await sql`
    create table deployments (
      id text primary key,
      space_id text not null references spaces (id),
      project_id text not null references resources (id) on delete cascade,
      release_id text not null references releases (id),
      channel_id text not null,
      environment_id text not null references environments (id),
      tenant_id text,
      state text not null,
      skipped_steps jsonb not null,
      comments text not null default '',
      guided_failure boolean not null,
      prompted_secret text,
      prompted_names jsonb not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      error text,
      version integer not null default 1,
      log_seq bigint not null default 0
    )`.execute(db);
  await sql`create index deployments_space_idx on deployments (space_id, created_at desc, id desc)`.execute(
    db,
  );
  // The dashboard's latest deployment per (project, environment, tenant or ''): a skip scan over
  // this index touches two entries per group, not every deployment. Also serves filtered lists.
  await sql`
    create index deployments_latest_idx
      on deployments (space_id, project_id, environment_id, coalesce(tenant_id, ''), created_at desc, id desc)`.execute(
    db,
  );
  await sql`create index deployments_release_idx on deployments (release_id, environment_id)`.execute(db);
  await sql`create index deployments_state_idx on deployments (state)`.execute(db);

  // `id` (generated) names the row in the outputs' ciphertext context and for key rotation.
  await sql`
    create table deployment_steps (
      deployment_id text not null references deployments (id) on delete cascade,
      step integer not null,
      target_id text not null,
      id text generated always as (deployment_id || ':' || step::text || ':' || target_id) stored,
      state text not null,
      progress jsonb not null,
      outputs_secret text,
      sensitive_outputs jsonb not null,
      updated_at timestamptz not null default now(),
      primary key (deployment_id, step, target_id)
    )`.execute(db);

  await sql`
    create table task_log (
      deployment_id text not null references deployments (id) on delete cascade,
      seq bigint not null,
      path jsonb not null,
      level text not null,
      at timestamptz not null,
      message text not null,
      primary key (deployment_id, seq)
    )`.execute(db);

  await sql`
    create table interruptions (
      id text primary key,
      deployment_id text not null references deployments (id) on delete cascade,
      kind text not null,
      step text not null,
      target text,
      title text not null,
      instructions text not null,
      responsible_team_ids jsonb not null,
      created_at timestamptz not null default now(),
      answer text,
      answered_by text,
      answered_at timestamptz,
      notes text
    )`.execute(db);
  await sql`create index interruptions_deployment_idx on interruptions (deployment_id, created_at)`.execute(
    db,
  );
}
