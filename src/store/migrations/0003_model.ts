/**
 * The rest of the model: resource documents of every kind (lifecycles, projects, channels, ...) as
 * jsonb, the references between them (so a delete can say who still uses a thing), their secret
 * fields (encrypted, one row each) and variables (a project's or library set's, and tenants'
 * values for variable templates).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table resources (
      id text primary key,
      space_id text not null references spaces (id),
      kind text not null,
      parent_id text references resources (id) on delete cascade,
      name text not null,
      version integer not null default 1,
      variables_version integer not null default 1,
      data jsonb not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  // Names are unique per space and kind, and per project for nested kinds (channels), ignoring case.
  await sql`
    create unique index resources_name_key
      on resources (space_id, kind, coalesce(parent_id, ''), lower(name))`.execute(db);
  await sql`
    create index resources_list_idx on resources (space_id, kind, parent_id, lower(name), id)`.execute(db);
  await sql`create index resources_parent_idx on resources (parent_id)`.execute(db);
  // List filters are containment queries (`data @> '{"tags": ["Tier/Gold"]}'`).
  await sql`create index resources_data_idx on resources using gin (data jsonb_path_ops)`.execute(db);

  // No foreign keys: a row's target may be an environment, a resource, a tag set or a user, and the
  // rows are rewritten with the document that holds the reference.
  await sql`
    create table resource_refs (
      from_id text not null,
      from_kind text not null,
      from_name text not null,
      source text not null,
      path text not null,
      to_id text not null,
      to_kind text not null,
      value text not null
    )`.execute(db);
  await sql`create index resource_refs_to_idx on resource_refs (to_id)`.execute(db);
  await sql`create index resource_refs_from_idx on resource_refs (from_id, source)`.execute(db);

  await sql`
    create table resource_secrets (
      id text primary key,
      resource_id text not null references resources (id) on delete cascade,
      path text not null,
      value text not null
    )`.execute(db);
  await sql`create index resource_secrets_resource_idx on resource_secrets (resource_id)`.execute(db);

  await sql`
    create table variables (
      id text primary key,
      space_id text not null references spaces (id),
      owner_id text not null references resources (id) on delete cascade,
      name text not null,
      type text not null,
      value text,
      secret_value text,
      description text not null default '',
      scope jsonb not null,
      prompt jsonb,
      template_scope jsonb,
      sort integer not null default 0
    )`.execute(db);
  await sql`create index variables_owner_name_idx on variables (owner_id, lower(name), id)`.execute(db);
}
