/**
 * The pg-boss queue on the store. Both backends reach pg-boss through one `executeSql` over the
 * store's own Kysely instance, so the queue shares the store's pool (PostgreSQL) or its single
 * session and mutex (PGlite: a pg-boss statement never lands inside a store transaction).
 * Parameterless SQL (pg-boss's schema scripts, several statements each) goes through PGlite's
 * `exec`, which takes many statements; the rest through `query`.
 */
import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import { pgliteOf, type Store } from '../store/database.js';

/** The queue every deployment job goes to. */
export const DEPLOYMENT_QUEUE = 'deployment';

/** The data of a deployment job. */
export interface DeploymentJob {
  deploymentId: string;
}

/** Queue settings. */
export interface QueueOptions {
  /** How long a job may stay active before pg-boss expires (and retries) it. Default 23 h (pg-boss allows under 24): deployments run for an hour and more. */
  expireInHours?: number;
  /** Retries of a job whose run threw (store unreachable) or expired. Default 5. */
  retryLimit?: number;
  /**
   * Receives the errors pg-boss reports in the background (maintenance, monitoring, stopping).
   * Default: one line on stderr (logQueueError).
   */
  onError?: (error: unknown) => void;
}

/** The line logQueueError writes for `error`: what failed, and what to do about it. */
export function queueErrorLine(error: unknown): string {
  // pg-boss reports Errors, and from its workers plain objects that carry one's message.
  const carried = (error as { message?: unknown } | null | undefined)?.message;
  const message = typeof carried === 'string' ? carried : String(error);
  return (
    `slipway queue: pg-boss background work failed: ${message.replace(/\s*\n\s*/g, ' ')}. ` +
    'pg-boss retries on its own; if this repeats, check that the database is reachable and its ' +
    'pgboss schema intact.'
  );
}

/** The default onError: writes queueErrorLine(error) to stderr, which reaches the server's log. */
export function logQueueError(error: unknown): void {
  process.stderr.write(queueErrorLine(error) + '\n');
}

type Rows = { rows: unknown[] };

/** The `executeSql` pg-boss runs every statement through. */
export function storeExecuteSql(store: Store): (text: string, values?: unknown[]) => Promise<Rows> {
  const pglite = pgliteOf(store);
  return async (text, values) => {
    if (pglite && (values === undefined || values.length === 0)) {
      // Hold the store's one connection so the script does not interleave with a transaction.
      return store.db.connection().execute(async () => {
        const results = await pglite.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      });
    }
    const result = await store.db.executeQuery(CompiledQuery.raw(text, values ?? []));
    return { rows: (result.rows as unknown[] | undefined) ?? [] };
  };
}

/** Starts pg-boss on the store (installs or migrates its `pgboss` schema) and creates the deployment queue. */
export async function openQueue(store: Store, options: QueueOptions = {}): Promise<PgBoss> {
  const executeSql = storeExecuteSql(store);
  const boss = new PgBoss({
    db: { executeSql: (text: string, values: unknown[]) => executeSql(text, values) },
    // Cron and the clock monitor are for scheduled jobs, which Slipway does not use.
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: 60,
  });
  // pg-boss emits background errors as events (without a listener an EventEmitter 'error' throws):
  // pass them on, never drop them.
  boss.on('error', options.onError ?? logQueueError);
  await boss.start();
  // A no-op when the queue exists (several nodes may start together).
  await boss.createQueue(DEPLOYMENT_QUEUE, {
    name: DEPLOYMENT_QUEUE,
    // "short": a second send with the same singletonKey while one is still waiting is dropped.
    policy: 'short' as const,
    expireInHours: options.expireInHours ?? 23,
    retryLimit: options.retryLimit ?? 5,
    retryDelay: 5,
    retryBackoff: true,
  });
  return boss;
}
