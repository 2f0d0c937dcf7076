/**
 * The data directory of an embedded (PGlite) store: `<data dir>/db` is a PostgreSQL cluster, beside
 * it the master key and the first administrator's key. The rules that keep it from losing data:
 * - a cluster is created only in an empty `db/` of a data directory that holds no key files: a `db/`
 *   with files but no `PG_VERSION` is a damaged or half-copied cluster, and an empty `db/` beside
 *   `master.key` or `admin-api-key` is a database that was deleted or moved. Both are refused;
 *   initdb over them would silently start a new, empty installation;
 * - the directory and `db/` are 0700, and the cluster's files lose any group or other bits when the
 *   store opens and closes (PGlite creates them 0666 whatever the umask; the 0700 `db/` keeps others
 *   out in between);
 * - when PGlite cannot start ("Aborted()"), the error says what is wrong with the files.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf, SlipwayError } from '../core/errors.js';

/** The master key file's name inside the data directory. */
export const MASTER_KEY_FILE = 'master.key';
/** Where the next key waits while a file-based rotation runs. */
export const NEXT_MASTER_KEY_FILE = 'master.key.next';
/** The key a rotation replaced, kept until a start finds the secrets under the new one. */
export const PREVIOUS_MASTER_KEY_FILE = 'master.key.previous';
/** File in the data directory that receives the first administrator's key. */
export const ADMIN_KEY_FILE = 'admin-api-key';
/** File in the data directory that receives the first administrator's password (for the web UI). */
export const ADMIN_PASSWORD_FILE = 'admin-password';
/** The embedded database's directory inside the data directory. */
export const DB_DIR = 'db';

/** Files that only an installation that already had a database leaves in its data directory. */
const INSTALLATION_FILES = [
  MASTER_KEY_FILE,
  NEXT_MASTER_KEY_FILE,
  PREVIOUS_MASTER_KEY_FILE,
  ADMIN_KEY_FILE,
  ADMIN_PASSWORD_FILE,
];

/**
 * The PostgreSQL major version of the bundled PGlite (what initdb writes into `PG_VERSION`);
 * src/store/data-dir.test.ts checks it against a fresh cluster.
 */
export const PGLITE_POSTGRES_MAJOR = '18';

// Files and directories every cluster has; the first ones missing name the damage.
const CLUSTER_PARTS = ['global/pg_control', 'base', 'pg_wal', 'pg_xact', 'postgresql.conf'];
const WAL_SEGMENT = /^[0-9A-F]{24}$/;

/** The parts of the cluster in `dir` that are missing (a pg_wal without any segment counts). */
function missingParts(dir: string): string[] {
  const missing = CLUSTER_PARTS.filter((p) => !existsSync(join(dir, p)));
  if (!missing.includes('pg_wal') && !readdirSync(join(dir, 'pg_wal')).some((f) => WAL_SEGMENT.test(f))) {
    missing.push('pg_wal/<WAL segment>');
  }
  return missing;
}

const RESTORE_HINT =
  'Restore the data directory from a backup, or move it away and start with an empty one (a new installation).';

/** Creates the data directory (0700), or tightens an existing one to 0700; STORE_UNAVAILABLE when it cannot. */
export function prepareDataDir(dataDir: string, given: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const st = statSync(dataDir);
    if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    // It holds the master key: nobody else may list or enter it. POSIX only (Windows uses ACLs).
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) chmodSync(dataDir, st.mode & 0o700);
  } catch (e) {
    throw new SlipwayError(
      'STORE_UNAVAILABLE',
      `Cannot create the data directory ${dataDir}: ${(e as Error).message}. Check that --data-dir ` +
        `(${given}) is a directory this user may write, or pass another one.`,
      { cause: e, data: { dataDir, reason: 'data-dir' } },
    );
  }
}

/** What `db/` holds. */
export type ClusterState = 'existing' | 'new';

/**
 * Whether `<dataDir>/db` holds a cluster to open or may receive a new one; STORE_UNAVAILABLE when
 * it is neither (see the module comment). Creates an absent `db/` (0700).
 */
export function checkCluster(dataDir: string): ClusterState {
  const dir = join(dataDir, DB_DIR);
  const entries = existsSync(dir) ? readdirSync(dir) : undefined;
  if (entries?.includes('PG_VERSION')) {
    checkVersion(dir);
    return 'existing';
  }
  if (entries && entries.length > 0) {
    const missing = missingParts(dir);
    throw new SlipwayError(
      'STORE_UNAVAILABLE',
      `The embedded database in ${dir} is incomplete: it holds ${entries.length} entries but no PG_VERSION` +
        (missing.length ? ` (also missing: ${missing.join(', ')})` : '') +
        `, so it is damaged or was copied only in part. Slipway will not initialise a new database over it. ` +
        RESTORE_HINT,
      { data: { dataDir: dir, reason: 'incomplete', missing: ['PG_VERSION', ...missing] } },
    );
  }
  const left = INSTALLATION_FILES.filter((f) => existsSync(join(dataDir, f)));
  if (left.length > 0) {
    throw new SlipwayError(
      'STORE_UNAVAILABLE',
      `The data directory ${dataDir} holds ${left.join(' and ')} but its database ${dir} is ` +
        `${entries ? 'empty' : 'missing'}: the database was deleted or moved. Slipway will not create a new ` +
        `empty database (and a new administrator) beside the keys of the old one. Restore ${dir} from a ` +
        `backup; or, to start a new installation, move the whole data directory away (keep ${MASTER_KEY_FILE}: ` +
        `backups of the old database need it).`,
      { data: { dataDir, reason: 'incomplete', missing: ['PG_VERSION'], present: left } },
    );
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return 'new';
}

function checkVersion(dir: string): void {
  const version = readFileSync(join(dir, 'PG_VERSION'), 'utf8').trim();
  if (version === PGLITE_POSTGRES_MAJOR) return;
  throw new SlipwayError(
    'STORE_UNAVAILABLE',
    `The embedded database in ${dir} was written by PostgreSQL ${version || '(unknown)'}, but this Slipway ` +
      `embeds PostgreSQL ${PGLITE_POSTGRES_MAJOR} (PG_VERSION). Run the Slipway version that wrote it; this ` +
      `one cannot open it, and will not change it.`,
    { data: { dataDir: dir, reason: 'version', found: version, expected: PGLITE_POSTGRES_MAJOR } },
  );
}

/**
 * Turns PGlite's failure to start (often just "Aborted(). Build with -sASSERTIONS...") into a
 * STORE_UNAVAILABLE error that says what is wrong with the files and what to do.
 */
export function explainOpenFailure(dataDir: string, cause: unknown, state: ClusterState): SlipwayError {
  const dir = join(dataDir, DB_DIR);
  const missing = missingParts(dir);
  const data = { dataDir: dir, reason: 'damaged', ...(missing.length ? { missing } : {}) };
  if (state === 'new') {
    return new SlipwayError(
      'STORE_UNAVAILABLE',
      `Could not create the embedded database in ${dir} (${describe(cause)}). Check the free space and ` +
        `that the directory is writable by this user, then start again.`,
      { cause, data },
    );
  }
  const what = missing.length
    ? `it is damaged: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`
    : `its files are damaged (PGlite stopped while reading them: ${describe(cause)})`;
  return new SlipwayError(
    'STORE_UNAVAILABLE',
    `The embedded database in ${dir} cannot be opened: ${what}. Slipway does not repair or replace it. ` +
      RESTORE_HINT,
    { cause, data },
  );
}

function describe(cause: unknown): string {
  const message = messageOf(cause);
  // WebAssembly's abort text is advice for PGlite's own developers, not for an operator.
  return /^Aborted\(/.test(message) ? 'it aborted' : message;
}

/** Removes group and other bits from every file and directory under `dir` (POSIX; symlinks skipped). */
export function tightenModes(dir: string): void {
  if (process.platform === 'win32') return;
  const visit = (path: string) => {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return; // removed meanwhile (a WAL segment recycled)
    }
    if (st.isSymbolicLink()) return;
    if ((st.mode & 0o077) !== 0) {
      try {
        chmodSync(path, st.mode & 0o700);
      } catch {
        // Removed meanwhile, or not ours: the 0700 directory above still keeps others out.
      }
    }
    if (!st.isDirectory()) return;
    let entries: string[];
    try {
      entries = readdirSync(path);
    } catch {
      return;
    }
    for (const e of entries) visit(join(path, e));
  };
  visit(dir);
}
