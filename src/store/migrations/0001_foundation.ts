/**
 * The foundation: spaces (with the Default space), environments and the audit log. Names are unique
 * case-insensitively (users read "Production" and "production" as the same environment).
 */
import { sql, type Kysely } from 'kysely';
import { DEFAULT_SPACE_ID, DEFAULT_SPACE_NAME } from '../../core/model/space.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table spaces (
      id text primary key,
      name text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index spaces_name_key on spaces (lower(name))`.execute(db);
  await sql`insert into spaces (id, name) values (${DEFAULT_SPACE_ID}, ${DEFAULT_SPACE_NAME})`.execute(db);

  await sql`
    create table environments (
      id text primary key,
      space_id text not null references spaces (id),
      name text not null,
      sort_order integer not null default 0,
      description text not null default '',
      guided_failure boolean not null default false,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index environments_space_name_key on environments (space_id, lower(name))`.execute(
    db,
  );
  await sql`create index environments_space_order_idx on environments (space_id, sort_order, name)`.execute(
    db,
  );

  // No foreign keys here: the log outlives what it describes (a deleted environment keeps its history).
  await sql`
    create table audit_events (
      id text primary key,
      space_id text,
      actor text not null,
      occurred_at timestamptz not null default now(),
      source_ip text,
      action text not null,
      entity_type text not null,
      entity_id text not null,
      before jsonb,
      after jsonb
    )`.execute(db);
  await sql`create index audit_events_space_time_idx on audit_events (space_id, occurred_at, id)`.execute(db);
  await sql`create index audit_events_entity_idx on audit_events (entity_type, entity_id)`.execute(db);
}
