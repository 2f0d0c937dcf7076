/**
 * A Kysely dialect for PGlite (PostgreSQL compiled to WebAssembly, in-process). PGlite is one
 * backend with one session, so the "pool" is a single connection handed out under a mutex: a
 * transaction holds it from BEGIN to COMMIT, and every other query waits its turn. That gives the
 * same isolation PostgreSQL gives across pooled connections. SQL, adapter and introspection are
 * Kysely's own PostgreSQL ones: one dialect for both stores.
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { SlipwayError } from '../core/errors.js';

/**
 * PGlite that aborted (out of memory, files damaged under it) answers every later query with
 * WebAssembly's "Aborted(). Build with -sASSERTIONS for more info.", advice for PGlite's own
 * developers; the operator gets what happened and what to do.
 */
export function abortedError(e: unknown): SlipwayError | undefined {
  if (!(e instanceof Error) || !/^Aborted\(/.test(e.message)) return undefined;
  return new SlipwayError(
    'STORE_UNAVAILABLE',
    'The embedded database stopped working (PGlite aborted): restart Slipway. If it stops again, check the ' +
      'free memory and disk space; if it then cannot start, its files are damaged: restore the data directory ' +
      'from a backup.',
    { cause: e, data: { reason: 'aborted' } },
  );
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pg: PGlite) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    let result;
    try {
      result = await this.pg.query<R>(query.sql, [...query.parameters]);
    } catch (e) {
      throw abortedError(e) ?? e;
    }
    return {
      rows: result.rows,
      ...(result.affectedRows === undefined ? {} : { numAffectedRows: BigInt(result.affectedRows) }),
    };
  }

  // PGlite has no server-side cursors over its wire: read the result, then hand it out in chunks.
  async *streamQuery<R>(query: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(query);
    for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) };
  }
}

class PGliteDriver implements Driver {
  readonly #pg: PGlite;
  readonly #connection: PGliteConnection;
  #tail: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;

  constructor(pg: PGlite) {
    this.#pg = pg;
    this.#connection = new PGliteConnection(pg);
  }

  async init(): Promise<void> {
    await this.#pg.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    // PGlite answers in microtasks: without a turn of the event loop between queries, a stream of
    // them (200 deployments starting at once) starves timers and sockets for seconds.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#release = release;
    return this.#connection;
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const modes = [
      settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : '',
      settings.accessMode ?? '',
    ].filter((m) => m !== '');
    await connection.executeQuery(CompiledQuery.raw(['begin', ...modes].join(' ')));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async destroy(): Promise<void> {
    if (!this.#pg.closed) await this.#pg.close();
  }
}

/** Kysely over one PGlite instance; `db.destroy()` closes it. */
export class PGliteDialect implements Dialect {
  constructor(private readonly pg: PGlite) {}

  createDriver(): Driver {
    return new PGliteDriver(this.pg);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}
