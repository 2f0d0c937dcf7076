/**
 * Store test backends. startPostgres() runs a throwaway PostgreSQL on a free loopback port (initdb
 * into a temp dir, as the `postgres` user when we are root: PostgreSQL refuses to run as root), with
 * password auth over TCP so wrong-password errors are real. forEachBackend() runs a suite on PGlite
 * and on that PostgreSQL; the PostgreSQL half is skipped with a message when the binaries are
 * missing (`scripts/install-test-deps.sh` installs them).
 */
import { execFile, spawnSync } from 'node:child_process';
import {
  chownSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe } from 'node:test';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openStore, type Store, type StoreOptions } from '../../src/store/database.js';
import { findOnPath, freePort } from './moto.js';

const run = promisify(execFile);

/** A running throwaway server. */
export interface PostgresHandle {
  /** URL of the (empty) database `slipway`, with user and password. */
  url: string;
  /** Creates a new empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** URL of `database` (need not exist) with the real credentials, or with `password` instead. */
  urlFor(database: string, password?: string): string;
  /**
   * Stops the server but keeps its data directory and port, as a restart or a crash does: `fast`
   * (default) ends every connection cleanly, `immediate` as if the machine lost power.
   */
  down(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts the server again after `down`: same port, same data. */
  up(): Promise<void>;
  /** Stops the server and removes its files. Safe to call twice. */
  stop(): Promise<void>;
}

const USER = 'slipway';
const PASSWORD = 'slipway-test-pw';

/** The directory holding initdb/pg_ctl: $SLIPWAY_PG_BIN, the newest Debian install, or PATH. */
function binDir(): string | undefined {
  const fromEnv = process.env.SLIPWAY_PG_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  const initdb = findOnPath('initdb');
  return initdb ? dirname(initdb) : undefined;
}

/** The uid/gid of `postgres` when we run as root (undefined when not root). */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresUnavailableReason(): string | undefined {
  const bin = binDir();
  if (!bin || !existsSync(join(bin, 'pg_ctl'))) {
    return 'PostgreSQL server binaries not found (run scripts/install-test-deps.sh as root, or set SLIPWAY_PG_BIN)';
  }
  if (process.getuid?.() === 0 && !postgresUser()) {
    return 'running as root, and there is no "postgres" user to run PostgreSQL as';
  }
  return undefined;
}

/** Starts a throwaway PostgreSQL on 127.0.0.1 (throws when it cannot; check postgresUnavailableReason first). */
export async function startPostgres(): Promise<PostgresHandle> {
  const bin = binDir()!;
  const owner = postgresUser();
  const dir = mkdtempSync(join(tmpdir(), 'slipway-pg-'));
  const data = join(dir, 'data');
  writeFileSync(join(dir, 'pw'), PASSWORD);
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(join(dir, 'pw'), owner.uid, owner.gid);
  }
  // As root, run the server tools as `postgres`; `runuser` needs no password and keeps our env.
  const asOwner = (tool: string, args: string[]) =>
    owner ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);
  const port = await freePort();
  const stopSync = () =>
    spawnSync(owner ? 'runuser' : join(bin, 'pg_ctl'), [
      ...(owner ? ['-u', 'postgres', '--', join(bin, 'pg_ctl')] : []),
      ...['-D', data, '-m', 'immediate', '-w', 'stop'],
    ]);
  // The server is a daemon, not our child: stop it even if the test process dies mid-run.
  const onExit = () => {
    stopSync();
    rmSync(dir, { recursive: true, force: true });
  };
  const serverOptions = [
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
  ].join(' ');
  const start = () =>
    asOwner('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '30', '-o', serverOptions, 'start']);
  try {
    await asOwner('initdb', [
      ...['-D', data, '-U', USER, `--pwfile=${join(dir, 'pw')}`],
      ...['--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '--no-instructions'],
      ...['-E', 'UTF8', '--locale=C'],
    ]);
    process.once('exit', onExit);
    await start();
  } catch (e) {
    onExit();
    process.removeListener('exit', onExit);
    const err = e as { stderr?: string; message: string };
    throw new Error(`could not start PostgreSQL: ${err.stderr?.trim() || err.message}`, { cause: e });
  }

  const urlFor = (database: string, password = PASSWORD) =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  let counter = 0;
  const createDatabase = async () => {
    const name = `t${++counter}_${process.pid}`;
    const client = new pg.Client({ connectionString: urlFor('postgres') });
    await client.connect();
    try {
      await client.query(`create database ${name}`);
    } finally {
      await client.end();
    }
    return urlFor(name);
  };
  const url = await createDatabase();
  let stopped = false;
  return {
    url,
    createDatabase,
    urlFor,
    async down(mode = 'fast') {
      await asOwner('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
    },
    async up() {
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      await asOwner('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// One server per test process, started on first use, stopped after the file's last test (the
// root-level `after` is registered when the first suite is declared, outside any test).
let shared: Promise<PostgresHandle> | undefined;
let stopRegistered = false;
function sharedPostgres(): Promise<PostgresHandle> {
  shared ??= startPostgres();
  return shared;
}
function registerSharedStop(): void {
  if (stopRegistered) return;
  stopRegistered = true;
  after(async () => {
    if (shared) await (await shared).stop();
  });
}

// A freshly initialised PGlite directory costs seconds (initdb in WebAssembly); copying one costs
// milliseconds. One template per PGlite version, shared by every test process through the temp
// directory (made aside and renamed into place, so a reader never sees half of one); each store
// gets its own copy.
let template: Promise<string> | undefined;
const tempDirs: string[] = [];
function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    // The package does not export its package.json; its version keys the shared template.
    const manifest = resolve(import.meta.dirname, '../../node_modules/@electric-sql/pglite/package.json');
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    const shared = join(tmpdir(), `slipway-pglite-template-${version}`);
    if (existsSync(join(shared, 'db', 'PG_VERSION'))) return shared;
    const dir = mkdtempSync(join(tmpdir(), 'slipway-pglite-template-'));
    const db = await PGlite.create(join(dir, 'db'));
    await db.close();
    try {
      renameSync(dir, shared);
      return shared;
    } catch {
      // Another process won the race (or the temp dir is read-only): use our own copy.
      tempDirs.push(dir);
      return existsSync(join(shared, 'db', 'PG_VERSION')) ? shared : dir;
    }
  })();
  return template;
}

/** Fills `dataDir` with an initialised, empty PGlite database (as `openStore` expects it). */
export async function seedPgliteDataDir(dataDir: string): Promise<void> {
  cpSync(await pgliteTemplate(), dataDir, { recursive: true });
}

/** A new temp dir for a data directory; removed when the process exits. */
export function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-data-'));
  tempDirs.push(dir);
  return dir;
}
process.once('exit', () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** One store backend under test. */
export interface Backend {
  kind: 'pglite' | 'postgres';
  /** Where a fresh, empty database lives: `{ dataDir }` for PGlite, `{ databaseUrl }` for PostgreSQL. */
  freshLocation(): Promise<Pick<StoreOptions, 'dataDir' | 'databaseUrl'>>;
  /** Opens (and by default migrates) a store on a fresh database; closed after the suite. */
  open(options?: Omit<StoreOptions, 'dataDir' | 'databaseUrl'>): Promise<Store>;
  /** The running PostgreSQL (postgres backend only). */
  postgres(): Promise<PostgresHandle>;
}

/** Declares the suite `name` twice: on PGlite and on PostgreSQL (skipped, saying why, when unavailable). */
export function forEachBackend(name: string, fn: (backend: Backend) => void): void {
  registerSharedStop();
  for (const kind of ['pglite', 'postgres'] as const) {
    const skip = kind === 'postgres' ? postgresUnavailableReason() : undefined;
    describe(`${name} [${kind}]`, skip ? { skip } : {}, () => {
      const stores: Store[] = [];
      after(async () => {
        await Promise.all(stores.map((s) => s.close()));
      });
      const backend: Backend = {
        kind,
        async freshLocation() {
          if (kind === 'postgres') return { databaseUrl: await (await sharedPostgres()).createDatabase() };
          const dataDir = tempDataDir();
          await seedPgliteDataDir(dataDir);
          return { dataDir };
        },
        async open(options = {}) {
          const store = await openStore({ ...(await backend.freshLocation()), ...options });
          stores.push(store);
          return store;
        },
        postgres: sharedPostgres,
      };
      fn(backend);
    });
  }
}
