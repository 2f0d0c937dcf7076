/**
 * Sign-in for the web UI: a password hash on users (scrypt, its parameters and salt stored in the
 * hash itself so they can be raised later), the sessions a sign-in starts (only the SHA-256 of the
 * session token is stored, never the token), and recent failed sign-ins, which the limiter counts
 * per user name and per client address (in the database, so every node of a cluster counts them).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column password_hash text`.execute(db);
  await sql`alter table users add column password_changed_at timestamptz`.execute(db);

  await sql`
    create table sessions (
      id text primary key,
      token_hash text not null,
      user_id text not null references users (id) on delete cascade,
      csrf_token text not null,
      method text not null,
      api_key_id text references api_keys (id) on delete cascade,
      source_ip text,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      last_seen_at timestamptz not null
    )`.execute(db);
  // A presented cookie finds its session by the token's hash: one index probe.
  await sql`create unique index sessions_token_hash_key on sessions (token_hash)`.execute(db);
  await sql`create index sessions_user_idx on sessions (user_id)`.execute(db);
  await sql`create index sessions_expires_idx on sessions (expires_at)`.execute(db);

  await sql`
    create table sign_in_failures (
      id text primary key,
      subject text not null,
      failed_at timestamptz not null
    )`.execute(db);
  await sql`create index sign_in_failures_subject_idx on sign_in_failures (subject, failed_at)`.execute(db);
  await sql`create index sign_in_failures_time_idx on sign_in_failures (failed_at)`.execute(db);
}
