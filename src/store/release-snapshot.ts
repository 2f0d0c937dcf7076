/**
 * A release's frozen variables: the project's variables, then each included library set's in the
 * project's include order (`librarySets`), exactly the ScopedVariable[] resolution takes. Sensitive
 * values are encrypted per row (context `release-variable/<row id>/value`).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import type {
  ScopedVariable,
  VariablePrompt,
  VariableScope,
  VariableSource,
  VariableType,
} from '../core/variables/types.js';
import type { KindRegistry } from './resource-refs.js';
import { secretContext, type SecretBox } from './secrets.js';
import type { Database, JsonValue } from './types.js';
import { variablesRepository } from './variables.js';

/** The ciphertext context of a frozen sensitive value (see ENCRYPTED_COLUMNS). */
export function releaseVariableContext(rowId: string): string {
  return secretContext('release-variable', rowId, 'value');
}

/** The project's included library sets, in include order (ids from its document). */
function librarySetIds(projectData: JsonValue): string[] {
  const sets =
    projectData !== null && typeof projectData === 'object' && !Array.isArray(projectData)
      ? projectData.librarySets
      : undefined;
  return Array.isArray(sets) ? sets.filter((s): s is string => typeof s === 'string') : [];
}

/**
 * Reads the project's and its library sets' variables inside `trx`, holding their rows (FOR SHARE)
 * so no variable set changes halfway through the snapshot.
 */
export async function currentVariables(
  trx: Transaction<Database>,
  secrets: SecretBox,
  spaceId: string,
  projectId: string,
  kinds: KindRegistry | undefined,
): Promise<ScopedVariable[]> {
  const project = await trx
    .selectFrom('resources')
    .select(['id', 'data'])
    .where('space_id', '=', spaceId)
    .where('id', '=', projectId)
    .where('kind', '=', 'project')
    .forShare()
    .executeTakeFirst();
  if (!project) {
    throw new SlipwayError('NOT_FOUND', `There is no project "${projectId}" in space ${spaceId}.`, {
      data: { entity: 'project', spaceId, id: projectId },
    });
  }
  const setIds = librarySetIds(project.data);
  if (setIds.length > 0) {
    await trx.selectFrom('resources').select('id').where('id', 'in', setIds).forShare().execute();
  }
  const repo = variablesRepository(trx, secrets, kinds ? { kinds } : {});
  const out = await repo.snapshot(spaceId, projectId);
  for (const [includeOrder, setId] of setIds.entries()) {
    const vars = await repo.snapshot(spaceId, setId);
    for (const v of vars) {
      const source: VariableSource = v.source.kind === 'library' ? { ...v.source, includeOrder } : v.source;
      out.push({ ...v, source });
    }
  }
  return out;
}

/** Replaces the frozen variables of `releaseId` with `variables`, in order; returns how many. */
export async function writeSnapshot(
  trx: Transaction<Database>,
  secrets: SecretBox,
  releaseId: string,
  variables: readonly ScopedVariable[],
): Promise<number> {
  await trx.deleteFrom('release_variables').where('release_id', '=', releaseId).execute();
  if (variables.length === 0) return 0;
  const rows = variables.map((v, sort) => {
    const id = `ReleaseVariables-${randomUUID()}`;
    const sensitive = v.type === 'sensitive';
    return {
      id,
      release_id: releaseId,
      variable_id: v.id,
      source: JSON.stringify(v.source),
      name: v.name,
      type: v.type,
      value: sensitive ? null : v.value,
      secret_value: sensitive ? secrets.encrypt(v.value, releaseVariableContext(id)) : null,
      scope: JSON.stringify(v.scope),
      description: v.description ?? '',
      prompt: v.prompt === undefined ? null : JSON.stringify(v.prompt),
      sort,
    };
  });
  // Batches keep each statement well under PostgreSQL's 65535 bind parameters.
  for (let i = 0; i < rows.length; i += 1000) {
    await trx
      .insertInto('release_variables')
      .values(rows.slice(i, i + 1000))
      .execute();
  }
  return rows.length;
}

/** The frozen variables of `releaseId`, decrypted, in snapshot order. */
export async function readSnapshot(
  db: Kysely<Database>,
  secrets: SecretBox,
  releaseId: string,
): Promise<ScopedVariable[]> {
  const rows = await db
    .selectFrom('release_variables')
    .selectAll()
    .where('release_id', '=', releaseId)
    .orderBy('sort')
    .execute();
  return rows.map((r): ScopedVariable => ({
    id: r.variable_id,
    name: r.name,
    value:
      r.secret_value === null
        ? (r.value ?? '')
        : secrets.decrypt(r.secret_value, releaseVariableContext(r.id)),
    type: r.type as VariableType,
    scope: r.scope as VariableScope,
    source: r.source as unknown as VariableSource,
    ...(r.description === '' ? {} : { description: r.description }),
    ...(r.prompt === null ? {} : { prompt: r.prompt as unknown as VariablePrompt }),
  }));
}
