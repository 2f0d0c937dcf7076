/**
 * A deployment's task log. Lines get consecutive seq numbers from the deployment row's `log_seq`
 * counter, bumped in the same transaction as the insert: the row lock serializes concurrent
 * appends, so seqs never repeat and commit in order (a reader resuming `?after=` misses nothing).
 * A coded line keeps its event code and data beside the message; plain lines have neither.
 */
import type { Kysely } from 'kysely';
import type { TaskLogLine } from '../core/model/release.js';
import { inTransaction } from './audit.js';
import { deploymentNotFound } from './deployment-rows.js';
import type { Database } from './types.js';

/** Default and largest number of lines one read returns. */
export const LOG_PAGE_LIMIT = 1000;

/** Appends `lines` to the log of deployment `id` in order; NOT_FOUND when there is no such deployment. */
export async function appendLog(
  db: Kysely<Database>,
  id: string,
  lines: readonly Omit<TaskLogLine, 'seq'>[],
): Promise<void> {
  if (lines.length === 0) return;
  await inTransaction(db, async (trx) => {
    const row = await trx
      .updateTable('deployments')
      .set((eb) => ({ log_seq: eb('log_seq', '+', lines.length) }))
      .where('id', '=', id)
      .returning('log_seq')
      .executeTakeFirst();
    if (!row) throw deploymentNotFound(id);
    const first = Number(row.log_seq) - lines.length + 1;
    const values = lines.map((l, i) => ({
      deployment_id: id,
      seq: first + i,
      path: JSON.stringify(l.path),
      level: l.level,
      at: l.at,
      message: l.message,
      code: l.code ?? null,
      data: l.code === undefined ? null : JSON.stringify(l.data ?? {}),
    }));
    for (let i = 0; i < values.length; i += 1000) {
      await trx
        .insertInto('task_log')
        .values(values.slice(i, i + 1000))
        .execute();
    }
  });
}

/** Which lines a read returns. */
export interface LogFilter {
  /**
   * Only coded lines whose code is one of these; `prefix.*` matches every code under a prefix
   * (`deploy.*`). Default: every line, plain ones included.
   */
  codes?: readonly string[];
}

/** `deploy.*` → the LIKE pattern `deploy.%` (with LIKE's own characters escaped). */
function likePrefix(code: string): string {
  return `${code.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Lines of deployment `id` after `afterSeq` (default 0: all), at most `limit` (default and max
 * 1000), only those `filter` selects.
 */
export async function readLog(
  db: Kysely<Database>,
  id: string,
  afterSeq = 0,
  limit = LOG_PAGE_LIMIT,
  filter: LogFilter = {},
): Promise<TaskLogLine[]> {
  const codes = filter.codes ?? [];
  const exact = codes.filter((c) => !c.endsWith('.*'));
  const prefixes = codes.filter((c) => c.endsWith('.*')).map(likePrefix);
  let query = db
    .selectFrom('task_log')
    .selectAll()
    .where('deployment_id', '=', id)
    .where('seq', '>', afterSeq);
  if (codes.length > 0)
    query = query.where((eb) =>
      eb.or([
        ...(exact.length > 0 ? [eb('code', 'in', exact)] : []),
        ...prefixes.map((p) => eb('code', 'like', p)),
      ]),
    );
  const rows = await query
    .orderBy('seq')
    .limit(Math.max(1, Math.min(Math.trunc(limit), LOG_PAGE_LIMIT)))
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    path: r.path as string[],
    level: r.level as TaskLogLine['level'],
    at: r.at,
    message: r.message,
    ...(r.code === null ? {} : { code: r.code, data: (r.data ?? {}) as Record<string, unknown> }),
  }));
}
