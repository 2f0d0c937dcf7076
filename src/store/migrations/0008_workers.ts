/**
 * Workers (docs/workers.md): registration tokens an administrator creates (only their hash is
 * stored, like API keys), the workers that registered with one (their key's hash, pool, version,
 * when last seen), and the script tasks a step hands to a pool: the payload (script, variables,
 * AWS credentials) encrypted with the master key and wiped when the task ends, and the events a
 * worker sends back (log lines, outputs, masks), encrypted too, until the step has applied them.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table worker_registration_tokens (
      id text primary key,
      name text not null,
      pool text,
      prefix text not null,
      hash text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz
    )`.execute(db);
  await sql`create unique index worker_registration_tokens_prefix_key on worker_registration_tokens (prefix)`.execute(
    db,
  );

  await sql`
    create table workers (
      id text primary key,
      name text not null,
      pool text not null,
      prefix text not null,
      hash text not null,
      version text not null,
      hostname text,
      token_id text,
      registered_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      disabled_at timestamptz
    )`.execute(db);
  await sql`create unique index workers_prefix_key on workers (prefix)`.execute(db);
  await sql`create unique index workers_name_key on workers (lower(name))`.execute(db);
  await sql`create index workers_pool_idx on workers (pool, last_seen_at)`.execute(db);

  await sql`
    create table script_tasks (
      id text primary key,
      deployment_id text not null references deployments (id) on delete cascade,
      step text not null,
      target text,
      pool text not null,
      lease_timeout_ms integer not null default 30000,
      state text not null default 'queued',
      payload text,
      worker_id text,
      worker_name text,
      created_at timestamptz not null default now(),
      leased_at timestamptz,
      heartbeat_at timestamptz,
      finished_at timestamptz,
      error text,
      events_seq integer not null default 0,
      applied_seq integer not null default 0
    )`.execute(db);
  // A lease takes the oldest queued task of a pool.
  await sql`create index script_tasks_queue_idx on script_tasks (pool, created_at) where state = 'queued'`.execute(
    db,
  );
  await sql`create index script_tasks_worker_idx on script_tasks (worker_id) where state = 'leased'`.execute(
    db,
  );
  await sql`create index script_tasks_finished_idx on script_tasks (finished_at) where finished_at is not null`.execute(
    db,
  );

  await sql`
    create table script_task_events (
      id text primary key,
      task_id text not null references script_tasks (id) on delete cascade,
      seq integer not null,
      events text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index script_task_events_seq_key on script_task_events (task_id, seq)`.execute(db);
}
