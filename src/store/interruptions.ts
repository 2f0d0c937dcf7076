/**
 * Interruptions: a deployment paused for a person (guided failure, manual intervention). An
 * interruption is answered once: the answer is written only while none is, in one UPDATE, so two
 * people answering at the same time cannot both win.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import type { Interruption, InterruptionAnswer } from '../core/model/release.js';
import { auditTrail, inTransaction, type Actor } from './audit.js';
import { deploymentNotFound } from './deployment-rows.js';
import type { Database, InterruptionsTable, JsonValue } from './types.js';

const ENTITY = 'interruption';

/** The answers each kind takes. */
const ANSWERS: Record<Interruption['kind'], readonly InterruptionAnswer[]> = {
  'guided-failure': ['retry', 'ignore', 'fail'],
  'manual-intervention': ['proceed', 'abort'],
};

function toInterruption(row: Selectable<InterruptionsTable>): Interruption {
  return {
    id: row.id,
    deploymentId: row.deployment_id,
    kind: row.kind as Interruption['kind'],
    step: row.step,
    ...(row.target === null ? {} : { target: row.target }),
    title: row.title,
    instructions: row.instructions,
    responsibleTeamIds: row.responsible_team_ids as string[],
    createdAt: row.created_at,
    ...(row.answer === null ? {} : { answer: row.answer as InterruptionAnswer }),
    ...(row.answered_by === null ? {} : { answeredBy: row.answered_by }),
    ...(row.answered_at === null ? {} : { answeredAt: row.answered_at }),
    ...(row.notes === null ? {} : { notes: row.notes }),
  };
}

function toJson(i: Interruption): JsonValue {
  // Dates become ISO strings; nothing else needs converting.
  return JSON.parse(JSON.stringify(i)) as JsonValue;
}

const audit = auditTrail(ENTITY, toJson);

function notFound(spaceId: string, id: string): SlipwayError {
  return new SlipwayError('NOT_FOUND', `There is no interruption "${id}" in space ${spaceId}.`, {
    data: { entity: ENTITY, spaceId, id },
  });
}

/** Opens an interruption of deployment `deploymentId`; NOT_FOUND when there is no such deployment. */
export async function openInterruption(
  db: Kysely<Database>,
  deploymentId: string,
  i: Omit<Interruption, 'id' | 'deploymentId' | 'createdAt'>,
): Promise<Interruption> {
  return inTransaction(db, async (trx) => {
    const deployment = await trx
      .selectFrom('deployments')
      .select('id')
      .where('id', '=', deploymentId)
      .executeTakeFirst();
    if (!deployment) throw deploymentNotFound(deploymentId);
    const row = await trx
      .insertInto('interruptions')
      .values({
        id: `Interruptions-${randomUUID()}`,
        deployment_id: deploymentId,
        kind: i.kind,
        step: i.step,
        target: i.target ?? null,
        title: i.title,
        instructions: i.instructions,
        responsible_team_ids: JSON.stringify(i.responsibleTeamIds),
        answer: i.answer ?? null,
        answered_by: i.answeredBy ?? null,
        answered_at: i.answeredAt ?? null,
        notes: i.notes ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toInterruption(row);
  });
}

/** Every interruption of a deployment, oldest first. */
export async function listInterruptions(db: Kysely<Database>, deploymentId: string): Promise<Interruption[]> {
  const rows = await db
    .selectFrom('interruptions')
    .selectAll()
    .where('deployment_id', '=', deploymentId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toInterruption);
}

/** The interruption `id` of a deployment in `spaceId`; NOT_FOUND otherwise. */
export async function getInterruption(
  db: Kysely<Database>,
  spaceId: string,
  id: string,
): Promise<Interruption> {
  const row = await db
    .selectFrom('interruptions')
    .innerJoin('deployments', 'deployments.id', 'interruptions.deployment_id')
    .selectAll('interruptions')
    .where('deployments.space_id', '=', spaceId)
    .where('interruptions.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound(spaceId, id);
  return toInterruption(row);
}

/**
 * Answers interruption `id` once: INVALID_INPUT for an answer its kind does not take, CONFLICT
 * when it was already answered; audited.
 */
export async function answerInterruption(
  db: Kysely<Database>,
  spaceId: string,
  id: string,
  answer: InterruptionAnswer,
  notes: string,
  by: Actor,
): Promise<Interruption> {
  return inTransaction(db, async (trx) => {
    const before = await getInterruption(trx, spaceId, id);
    const allowed = ANSWERS[before.kind];
    if (!allowed.includes(answer)) {
      throw new SlipwayError(
        'INVALID_INPUT',
        `Invalid answer: answer: a ${before.kind} takes ${allowed.join(', ')}, not "${answer}".`,
        { data: { issues: [`answer: a ${before.kind} takes ${allowed.join(', ')}`] } },
      );
    }
    const row = await trx
      .updateTable('interruptions')
      .set({ answer, notes, answered_by: by.actor, answered_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('answer', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const current = await getInterruption(trx, spaceId, id);
      throw new SlipwayError(
        'CONFLICT',
        `Interruption "${current.title}" was already answered "${current.answer ?? '?'}" by ` +
          `${current.answeredBy ?? 'someone'}; it takes one answer. Read the deployment again.`,
        {
          data: {
            entity: ENTITY,
            id,
            answer: current.answer ?? null,
            answeredBy: current.answeredBy ?? null,
          },
        },
      );
    }
    return audit.updated(trx, by, spaceId, before, toInterruption(row));
  });
}
