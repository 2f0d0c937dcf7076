/**
 * Deployments and their tasks: state changes guarded by the current state (a canceled deployment
 * never becomes success), per-step progress the engine persists to resume after a crash, output
 * variables, the task log (masked lines in a tree) and interruptions.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { isSlipwayError, SlipwayError } from '../core/errors.js';
import { listQuerySchema, type Page } from '../core/model/page.js';
import { parseInput } from '../core/model/parse.js';
import {
  isFinalState,
  type Deployment,
  type DeploymentState,
  type Interruption,
  type InterruptionAnswer,
  type TaskLogLine,
} from '../core/model/release.js';
import { auditTrail, inTransaction, type Actor } from './audit.js';
import { deploymentJson, deploymentNotFound, promptedContext, toDeployment } from './deployment-rows.js';
import { readSteps, saveStep, type StepProgress } from './deployment-steps.js';
import { latestPerEnvironment } from './deployment-queries.js';
import { answerInterruption, getInterruption, listInterruptions, openInterruption } from './interruptions.js';
import type { SecretBox } from './secrets.js';
import { appendLog, readLog, type LogFilter } from './task-log.js';
import { beforeTimeCursor, newestFirstPage, timeKey } from './cursor.js';
import type { Database } from './types.js';

/** A deployment to insert (validated and resolved by the caller). */
export interface NewDeployment {
  projectId: string;
  releaseId: string;
  channelId: string;
  environmentId: string;
  tenantId?: string;
  skippedSteps: string[];
  comments: string;
  guidedFailure: boolean;
  /** Prompted values by name; stored encrypted (they may be sensitive). */
  prompted: Record<string, string>;
}

/** Filters for lists. */
export interface DeploymentFilter {
  projectId?: string;
  environmentId?: string;
  tenantId?: string;
  releaseId?: string;
  states?: DeploymentState[];
}

const FOREIGN_KEY_VIOLATION = '23503';
const audit = auditTrail('deployment', deploymentJson);

function isForeignKeyViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === FOREIGN_KEY_VIOLATION;
}

/** The deployments repository over `db`. */
export function deploymentsRepository(db: Kysely<Database>, secrets: SecretBox) {
  const byId = async (id: string, spaceId?: string): Promise<Deployment> => {
    let select = db.selectFrom('deployments').selectAll().where('id', '=', id);
    if (spaceId !== undefined) select = select.where('space_id', '=', spaceId);
    const row = await select.executeTakeFirst();
    if (!row) throw deploymentNotFound(id, spaceId);
    return toDeployment(row);
  };

  return {
    /**
     * Inserts deployments in state `queued` in one transaction (one per tenant); audited.
     * NOT_FOUND when the release is not in the space, INVALID_INPUT when it is another project's.
     */
    async create(spaceId: string, deployments: NewDeployment[], by: Actor): Promise<Deployment[]> {
      return inTransaction(db, async (trx) => {
        const created: Deployment[] = [];
        // Each release once, however many tenants deploy it.
        const ids = [...new Set(deployments.map((d) => d.releaseId))];
        const releases =
          ids.length === 0
            ? []
            : await trx
                .selectFrom('releases')
                .select(['id', 'project_id', 'version'])
                .where('space_id', '=', spaceId)
                .where('id', 'in', ids)
                .execute();
        for (const d of deployments) {
          const release = releases.find((r) => r.id === d.releaseId);
          if (!release) {
            throw new SlipwayError('NOT_FOUND', `There is no release "${d.releaseId}" in space ${spaceId}.`, {
              data: { entity: 'release', spaceId, id: d.releaseId },
            });
          }
          if (release.project_id !== d.projectId) {
            throw new SlipwayError(
              'INVALID_INPUT',
              `Release ${release.version} belongs to project "${release.project_id}", not "${d.projectId}".`,
              { data: { releaseId: d.releaseId, projectId: d.projectId } },
            );
          }
          const id = `Deployments-${randomUUID()}`;
          const names = Object.keys(d.prompted).sort();
          const row = await trx
            .insertInto('deployments')
            .values({
              id,
              space_id: spaceId,
              project_id: d.projectId,
              release_id: d.releaseId,
              channel_id: d.channelId,
              environment_id: d.environmentId,
              tenant_id: d.tenantId ?? null,
              state: 'queued',
              skipped_steps: JSON.stringify(d.skippedSteps),
              comments: d.comments,
              guided_failure: d.guidedFailure,
              prompted_secret:
                names.length === 0 ? null : secrets.encrypt(JSON.stringify(d.prompted), promptedContext(id)),
              prompted_names: JSON.stringify(names),
              created_by: by.actor,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          created.push(await audit.created(trx, by, spaceId, toDeployment(row)));
        }
        return created;
      });
    },

    /** The deployment `id` in the space; NOT_FOUND otherwise. */
    async get(spaceId: string, id: string): Promise<Deployment> {
      return byId(id, spaceId);
    },

    /** Any space (the engine knows only the id). */
    async getById(id: string): Promise<Deployment> {
      return byId(id);
    },

    /** Newest first; query: limit, cursor. */
    async list(
      spaceId: string,
      query: unknown = {},
      filter: DeploymentFilter = {},
    ): Promise<Page<Deployment>> {
      const q = parseInput(listQuerySchema, query ?? {}, 'list query');
      if (filter.states?.length === 0) return { items: [] };
      let select = db
        .selectFrom('deployments')
        .selectAll()
        .select(timeKey().as('time_key'))
        .where('space_id', '=', spaceId);
      if (filter.projectId !== undefined) select = select.where('project_id', '=', filter.projectId);
      if (filter.environmentId !== undefined)
        select = select.where('environment_id', '=', filter.environmentId);
      if (filter.tenantId !== undefined) select = select.where('tenant_id', '=', filter.tenantId);
      if (filter.releaseId !== undefined) select = select.where('release_id', '=', filter.releaseId);
      if (filter.states !== undefined) select = select.where('state', 'in', filter.states);
      if (q.cursor) select = select.where(beforeTimeCursor(q.cursor));
      const rows = await select
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(q.limit + 1)
        .execute();
      return newestFirstPage(rows, q.limit, toDeployment);
    },

    /**
     * Moves to `to` only from one of `from`; returns the updated deployment, or undefined when the
     * state was not one of `from` (someone else moved it: the caller re-reads). One guarded UPDATE:
     * of two concurrent transitions from the same state, only one matches. Sets startedAt on entering
     * executing and finishedAt on a final state; `details.error` replaces the error.
     */
    async transition(
      id: string,
      from: readonly DeploymentState[],
      to: DeploymentState,
      details: { error?: string } = {},
    ): Promise<Deployment | undefined> {
      if (from.length === 0) return undefined;
      const row = await db
        .updateTable('deployments')
        .set((eb) => ({
          state: to,
          version: eb('version', '+', 1),
          ...(to === 'executing' ? { started_at: sql<Date>`coalesce(started_at, now())` } : {}),
          ...(isFinalState(to) ? { finished_at: sql<Date>`now()` } : {}),
          ...(details.error === undefined ? {} : { error: details.error }),
        }))
        .where('id', '=', id)
        .where('state', 'in', [...from])
        .returningAll()
        .executeTakeFirst();
      return row ? toDeployment(row) : undefined;
    },

    /** Prompted values, decrypted (engine only). */
    async prompted(id: string): Promise<Record<string, string>> {
      const row = await db
        .selectFrom('deployments')
        .select('prompted_secret')
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw deploymentNotFound(id);
      if (row.prompted_secret === null) return {};
      return JSON.parse(secrets.decrypt(row.prompted_secret, promptedContext(id))) as Record<string, string>;
    },

    /** Upserts a step × target's progress (engine); NOT_FOUND when the deployment is gone. */
    async saveStep(id: string, progress: StepProgress): Promise<void> {
      try {
        await saveStep(db, secrets, id, progress);
      } catch (e) {
        if (isForeignKeyViolation(e)) throw deploymentNotFound(id);
        throw e;
      }
    },

    /** Every step × target progress of a deployment, decrypted outputs included (engine). */
    async steps(id: string): Promise<StepProgress[]> {
      return readSteps(db, secrets, id);
    },

    /** Appends masked lines; assigns seq (consecutive, in the order given). */
    async appendLog(id: string, lines: Omit<TaskLogLine, 'seq'>[]): Promise<void> {
      await appendLog(db, id, lines);
    },

    /** Lines after `afterSeq` (default all), up to `limit` (default 1000), those `filter` selects (default all). */
    async log(id: string, afterSeq?: number, limit?: number, filter?: LogFilter): Promise<TaskLogLine[]> {
      return readLog(db, id, afterSeq, limit, filter);
    },

    /** Opens an interruption (the deployment waits for it). */
    async interrupt(
      id: string,
      interruption: Omit<Interruption, 'id' | 'deploymentId' | 'createdAt'>,
    ): Promise<Interruption> {
      return openInterruption(db, id, interruption);
    },

    /**
     * Answers an open interruption of deployment `id` as the system (`system (ECS)`), for an answer
     * given outside Slipway; one already answered is left as it is.
     */
    async settleInterruption(
      id: string,
      interruptionId: string,
      answer: 'proceed' | 'abort',
      notes: string,
    ): Promise<void> {
      const row = await db
        .selectFrom('deployments')
        .select('space_id')
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return;
      try {
        await answerInterruption(db, row.space_id, interruptionId, answer, notes, { actor: 'system (ECS)' });
      } catch (e) {
        if (!(isSlipwayError(e) && e.code === 'CONFLICT')) throw e;
      }
    },

    /** Open and answered interruptions of a deployment, oldest first. */
    async interruptions(id: string): Promise<Interruption[]> {
      return listInterruptions(db, id);
    },

    /** The interruption in the space; NOT_FOUND otherwise. */
    async getInterruption(spaceId: string, interruptionId: string): Promise<Interruption> {
      return getInterruption(db, spaceId, interruptionId);
    },

    /** Answers once (CONFLICT when already answered); audited. */
    async answer(
      spaceId: string,
      interruptionId: string,
      answer: InterruptionAnswer,
      notes: string,
      by: Actor,
    ): Promise<Interruption> {
      return answerInterruption(db, spaceId, interruptionId, answer, notes, by);
    },

    /**
     * For the dashboard: per (project, environment, tenant or none) the latest deployment, in
     * one query. `projectIds` (default all) narrows.
     */
    async latestPerEnvironment(spaceId: string, projectIds?: readonly string[]): Promise<Deployment[]> {
      if (projectIds?.length === 0) return [];
      return latestPerEnvironment(db, spaceId, projectIds);
    },

    /**
     * Per environment, whether this release succeeded there for `tenantId` (undefined: the
     * untenanted deployments), for the lifecycle: `attempted` has every environment with any.
     */
    async releaseProgress(
      releaseId: string,
      tenantId: string | undefined,
    ): Promise<{ succeeded: string[]; attempted: string[] }> {
      const rows = await db
        .selectFrom('deployments')
        .select(['environment_id'])
        .select(sql<boolean>`bool_or(state = 'success')`.as('succeeded'))
        .where('release_id', '=', releaseId)
        .where((eb) =>
          tenantId === undefined ? eb('tenant_id', 'is', null) : eb('tenant_id', '=', tenantId),
        )
        .groupBy('environment_id')
        .orderBy('environment_id')
        .execute();
      return {
        succeeded: rows.filter((r) => r.succeeded).map((r) => r.environment_id),
        attempted: rows.map((r) => r.environment_id),
      };
    },
  };
}

/** A deployments repository's type. */
export type DeploymentsRepository = ReturnType<typeof deploymentsRepository>;
