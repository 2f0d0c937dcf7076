/**
 * Users and their API keys. A key is stored only as its SHA-256 hash, looked up by its public
 * prefix; user names are unique case-insensitively, like every other name users type.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table users (
      id text primary key,
      name text not null,
      is_admin boolean not null default false,
      created_at timestamptz not null default now(),
      disabled_at timestamptz
    )`.execute(db);
  await sql`create unique index users_name_key on users (lower(name))`.execute(db);

  await sql`
    create table api_keys (
      id text primary key,
      user_id text not null references users (id),
      name text not null,
      prefix text not null,
      hash text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz
    )`.execute(db);
  // The prefix is how a presented key finds its row: unique, so a lookup is one index probe.
  await sql`create unique index api_keys_prefix_key on api_keys (prefix)`.execute(db);
  await sql`create index api_keys_user_idx on api_keys (user_id, created_at)`.execute(db);
}
