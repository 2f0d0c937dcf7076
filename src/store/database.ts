/**
 * Opens the store: PGlite in `<dataDir>/db` by default, PostgreSQL when a URL is given. Both speak
 * the same SQL through Kysely; migrations run before openStore returns. Problems reaching the
 * database become STORE_UNAVAILABLE errors that say what to check (never the password). A PGlite
 * store holds its data directory's lock (data-dir-lock.ts) from open to close, and never creates a
 * database over what looks like an earlier one (data-dir.ts).
 */
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { SlipwayError } from '../core/errors.js';
import { lockDataDir } from './data-dir-lock.js';
import {
  checkCluster,
  DB_DIR,
  explainOpenFailure,
  prepareDataDir,
  tightenModes,
  type ClusterState,
} from './data-dir.js';
import { migrate } from './migrate.js';
import type { Migration } from './migrations/index.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './types.js';

/** Default data directory (relative to the working directory). */
export const DEFAULT_DATA_DIR = './.slipway';

/** Where the store lives. */
export interface StoreOptions {
  /** Data directory; the embedded database is `<dataDir>/db`. Default `./.slipway`. Ignored with databaseUrl. */
  dataDir?: string;
  /** A PostgreSQL URL (`postgres://user:password@host:port/db`); usually from DATABASE_URL. Default: PGlite. */
  databaseUrl?: string;
  /** Apply pending migrations before returning. Default true. */
  migrate?: boolean;
  /** Migrations to apply instead of Slipway's own (tests). */
  migrations?: readonly Migration[];
  /** Largest PostgreSQL pool. Default 10. */
  poolSize?: number;
}

/** An open store. */
export interface Store {
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
  /** Closes the pool or the embedded database. Safe to call twice. */
  close(): Promise<void>;
}

/** Opens (and by default migrates) the store described by `options`. */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const store = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : await openPGlite(options.dataDir ?? DEFAULT_DATA_DIR);
  if (options.migrate !== false) {
    try {
      await migrate(store.db, options.migrations);
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  return store;
}

const pgliteStores = new WeakMap<Store, PGlite>();

/**
 * The embedded database behind a PGlite store (undefined for PostgreSQL): the job queue sends
 * multi-statement SQL through its `exec`, holding the store's connection (see jobs/queue.ts).
 */
export function pgliteOf(store: Store): PGlite | undefined {
  return pgliteStores.get(store);
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= fn());
}

async function openPGlite(given: string): Promise<Store> {
  const dataDir = resolve(given);
  const dir = join(dataDir, DB_DIR);
  prepareDataDir(dataDir, given);
  const lock = await lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    let state: ClusterState;
    try {
      state = checkCluster(dataDir);
    } catch (e) {
      if (e instanceof SlipwayError) throw e;
      throw new SlipwayError(
        'STORE_UNAVAILABLE',
        `Cannot read the embedded database's directory ${dir}: ${(e as Error).message}. Check that it is a ` +
          `directory this user may read and write.`,
        { cause: e, data: { dataDir: dir } },
      );
    }
    try {
      pglite = await PGlite.create(dir);
    } catch (e) {
      throw explainOpenFailure(dataDir, e, state);
    }
    tightenModes(dir);
  } catch (e) {
    lock.release();
    throw e;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  const close = once(async () => {
    try {
      await db.destroy();
      tightenModes(dir);
    } finally {
      lock.release();
    }
  });
  const store: Store = { db, kind: 'pglite', close };
  pgliteStores.set(store, pglite);
  return store;
}

async function openPostgres(url: string, max: number): Promise<Store> {
  const where = describeUrl(url);
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  // An idle client whose server went away emits 'error' on the pool; without a listener Node
  // would crash. The pool drops that client and the next query opens a new one.
  pool.on('error', () => {});
  // A client in use (inside a transaction, between two queries) whose server goes away emits
  // 'error' on itself, not on the pool: the query in hand fails with it, and the pool discards the
  // client when it is released, so the event only needs a listener.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (e) {
    await db.destroy().catch(() => {});
    throw connectError(e, where);
  }
  return { db, kind: 'postgres', close: once(() => db.destroy()) };
}

interface Where {
  host: string;
  port: string;
  user: string;
  database: string;
}

/** The parts of a URL that are safe to print (no password). */
function describeUrl(url: string): Where {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SlipwayError(
      'STORE_UNAVAILABLE',
      'DATABASE_URL is not a URL: write it as postgres://user:password@host:5432/database.',
    );
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new SlipwayError(
      'STORE_UNAVAILABLE',
      `DATABASE_URL must start with postgres:// or postgresql://, not ${u.protocol}//.`,
    );
  }
  return {
    host: u.hostname || 'localhost',
    port: u.port || '5432',
    user: decodeURIComponent(u.username) || '(default user)',
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default database)',
  };
}

/** Turns a failed first connection into advice naming what to check. */
function connectError(e: unknown, w: Where): SlipwayError {
  const err = e as { code?: string; message?: string };
  const at = `PostgreSQL at ${w.host}:${w.port}`;
  let message: string;
  switch (err.code) {
    case 'ECONNREFUSED':
      message = `Cannot connect to ${at}: connection refused. Check DATABASE_URL's host and port and that the server is running.`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      message = `Cannot resolve the host ${w.host} of DATABASE_URL. Check the host name.`;
      break;
    case '28P01':
      message = `${at} refused the password for user "${w.user}". Check the user and password in DATABASE_URL.`;
      break;
    case '28000':
      message = `${at} does not let user "${w.user}" connect to "${w.database}" (${err.message}). Check the user in DATABASE_URL and the server's pg_hba.conf.`;
      break;
    case '3D000':
      message = `Database "${w.database}" does not exist on ${at}. Create it (createdb ${w.database}) or fix the database name in DATABASE_URL.`;
      break;
    default:
      message = `Cannot connect to ${at} as "${w.user}", database "${w.database}": ${err.message ?? String(e)}. Check DATABASE_URL and that the server is reachable.`;
  }
  return new SlipwayError('STORE_UNAVAILABLE', message, {
    cause: e,
    data: {
      host: w.host,
      port: w.port,
      user: w.user,
      database: w.database,
      ...(err.code ? { reason: err.code } : {}),
    },
  });
}
