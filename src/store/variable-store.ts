/**
 * What variable sets (a project's or library set's variables) and tenants' template values share:
 * the owner row and its `variables_version`, paging, decrypting, and writing a planned set as a
 * diff (rows added, changed, removed), with the version bump, reference rows and one audit row.
 */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import { listQuerySchema, type Page } from '../core/model/page.js';
import { parseInput } from '../core/model/parse.js';
import type { Resource, ResourceKind } from '../core/model/resource.js';
import { recordAudit, type Actor } from './audit.js';
import { afterNameCursor, encodeNameCursor, keysetPage } from './cursor.js';
import { sameJson, type JsonObject } from './doc-path.js';
import { writeRefs, type KindRegistry, type ResolvedRef } from './resource-refs.js';
import { toResource } from './resource-rows.js';
import { secretContext, type SecretBox } from './secrets.js';
import type { Database, JsonValue, VariablesTable } from './types.js';

/** What a replace did (or would do, for a dry run). */
export interface VariableSetChange {
  variablesVersion: number;
  changed: boolean;
  added: number;
  updated: number;
  removed: number;
}

/** A stored variable row. */
export type VariableRow = Selectable<VariablesTable>;

/** What a set of rows belongs to: project / library set (variables) or tenant (template values). */
export type SetKind = 'variables' | 'template values';

/** The owner of a variable set, with its kind and the set's version. */
export interface Owner {
  resource: Resource;
  kind: ResourceKind;
  variablesVersion: number;
}

/** The ciphertext context of a sensitive value (see ENCRYPTED_COLUMNS). */
export function variableSecretContext(id: string): string {
  return secretContext('variable', id, 'value');
}

/**
 * The owner `ownerId`, checked to hold `want` (tenants hold template values; projects and library
 * sets variables). `lock` takes the row for the rest of the transaction.
 */
export async function loadOwner(
  db: Kysely<Database>,
  spaceId: string,
  ownerId: string,
  kinds: KindRegistry,
  want: SetKind,
  lock = false,
): Promise<Owner> {
  let query = db
    .selectFrom('resources')
    .selectAll()
    .where('space_id', '=', spaceId)
    .where('id', '=', ownerId);
  // NO KEY UPDATE: documents that refer to the owner (KEY SHARE) are not held up.
  if (lock) query = query.forNoKeyUpdate();
  const row = await query.executeTakeFirst();
  const kind = row ? (kinds as Partial<KindRegistry>)[row.kind as ResourceKind['name']] : undefined;
  if (!row || !kind?.hasVariables) {
    throw new SlipwayError(
      'NOT_FOUND',
      `There is no project, library variable set or tenant "${ownerId}" in space ${spaceId}.`,
      { data: { spaceId, id: ownerId } },
    );
  }
  const isTenant = kind.name === 'tenant';
  if (isTenant !== (want === 'template values')) {
    throw new SlipwayError(
      'INVALID_INPUT',
      isTenant
        ? `Tenant "${row.name}" holds values for variable templates, not variables: read and write its template values.`
        : `A ${kind.label} holds variables, not template values: only tenants have template values.`,
      { data: { id: ownerId, kind: kind.name } },
    );
  }
  return { resource: toResource(row), kind, variablesVersion: row.variables_version };
}

/** CONFLICT when the owner's set is no longer at `expected` (nothing when undefined). */
export function checkVariablesVersion(owner: Owner, expected: number | undefined, what: SetKind): void {
  if (expected === undefined || expected === owner.variablesVersion) return;
  throw new SlipwayError(
    'CONFLICT',
    `Cannot replace the ${what} of ${owner.kind.label} "${owner.resource.name}": they were changed since you ` +
      `read them (you had version ${expected}, they are now at ${owner.variablesVersion}). Read them again and retry.`,
    {
      data: {
        entity: 'variables',
        id: owner.resource.id,
        expectedVersion: expected,
        currentVersion: owner.variablesVersion,
      },
    },
  );
}

/** One page of an owner's rows in (lower(name), id) order; query: limit, cursor, name (substring). */
export async function listRows(
  db: Kysely<Database>,
  ownerId: string,
  query: unknown,
): Promise<Page<VariableRow>> {
  const q = parseInput(listQuerySchema, query ?? {}, 'list query');
  let select = db.selectFrom('variables').selectAll().where('owner_id', '=', ownerId);
  if (q.name) {
    const needle = q.name.toLowerCase();
    select = select.where((eb) => eb(eb.fn('strpos', [eb.fn('lower', ['name']), eb.val(needle)]), '>', 0));
  }
  if (q.cursor) select = select.where(afterNameCursor(q.cursor));
  const found = await select
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .limit(q.limit + 1)
    .execute();
  return keysetPage(
    found,
    q.limit,
    (row) => row,
    (last) => encodeNameCursor(last.name, last.id),
  );
}

/** Every row of an owner in the order last written, with the sensitive values decrypted by id. */
export async function readAllRows(
  db: Kysely<Database>,
  box: SecretBox,
  ownerId: string,
): Promise<{ rows: VariableRow[]; secrets: Map<string, string> }> {
  const rows = await db
    .selectFrom('variables')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .orderBy('sort')
    .orderBy('id')
    .execute();
  const secrets = new Map<string, string>();
  for (const r of rows) {
    if (r.secret_value !== null) secrets.set(r.id, box.decrypt(r.secret_value, variableSecretContext(r.id)));
  }
  return { rows, secrets };
}

/** One row as a replace wants it stored (values in plain text; encrypted on write). */
export interface PlannedRow {
  id: string;
  name: string;
  type: string;
  /** A non-sensitive value. */
  value: string | null;
  /** A sensitive value. */
  secret: string | null;
  description: string;
  scope: JsonObject;
  prompt: JsonValue | null;
  templateScope: JsonValue | null;
}

function sameRow(row: VariableRow, secret: string | undefined, p: PlannedRow): boolean {
  return (
    row.name === p.name &&
    row.type === p.type &&
    row.value === p.value &&
    (secret ?? null) === p.secret &&
    row.description === p.description &&
    sameJson(row.scope, p.scope) &&
    sameJson(row.prompt, p.prompt) &&
    sameJson(row.template_scope, p.templateScope)
  );
}

/** What the audit log keeps of a row: everything but a sensitive value (`{ set: true }` instead). */
export type Summarize = (row: PlannedRow) => JsonValue;

function plannedFromRow(row: VariableRow, secret: string | undefined): PlannedRow {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    value: row.value,
    secret: secret ?? null,
    description: row.description,
    scope: row.scope as JsonObject,
    prompt: row.prompt,
    templateScope: row.template_scope,
  };
}

/** Where a planned set is written. */
export interface ApplyTarget {
  trx: Transaction<Database>;
  box: SecretBox;
  by: Actor;
  owner: Owner;
  what: SetKind;
}

/**
 * Writes `planned` over the owner's current rows (`current`, decrypted `secrets`): unchanged →
 * nothing written, same version; else the diff, variables_version + 1, the reference rows and one
 * audit row (entityType `variables`) listing what changed. `dryRun` computes and writes nothing.
 */
export async function applyPlan(
  target: ApplyTarget,
  planned: readonly PlannedRow[],
  refs: readonly ResolvedRef[],
  current: { rows: readonly VariableRow[]; secrets: ReadonlyMap<string, string> },
  summarize: Summarize,
  dryRun: boolean,
): Promise<VariableSetChange> {
  const { trx, box, owner } = target;
  const byId = new Map(current.rows.map((r) => [r.id, r]));
  const keep = new Set(planned.map((p) => p.id));
  const removed = current.rows.filter((r) => !keep.has(r.id));
  const added = planned.filter((p) => !byId.has(p.id));
  const updated = planned.filter((p) => {
    const row = byId.get(p.id);
    return row !== undefined && !sameRow(row, current.secrets.get(p.id), p);
  });
  const change = { added: added.length, updated: updated.length, removed: removed.length };
  if (change.added + change.updated + change.removed === 0) {
    return { variablesVersion: owner.variablesVersion, changed: false, ...change };
  }
  const variablesVersion = owner.variablesVersion + 1;
  if (dryRun) return { variablesVersion, changed: true, ...change };

  const position = new Map(planned.map((p, i) => [p.id, i]));
  const encrypt = (p: PlannedRow) =>
    p.secret === null
      ? null
      : current.secrets.get(p.id) === p.secret
        ? byId.get(p.id)!.secret_value
        : box.encrypt(p.secret, variableSecretContext(p.id));
  const columns = (p: PlannedRow) => ({
    name: p.name,
    type: p.type,
    value: p.value,
    secret_value: encrypt(p),
    description: p.description,
    scope: JSON.stringify(p.scope),
    prompt: p.prompt === null ? null : JSON.stringify(p.prompt),
    template_scope: p.templateScope === null ? null : JSON.stringify(p.templateScope),
    sort: position.get(p.id)!,
  });
  // A changed row is written as delete + insert (same id): a few batched statements instead of one
  // UPDATE per row, which matters for sets of thousands.
  const gone = [...removed.map((r) => r.id), ...updated.map((p) => p.id)];
  for (let i = 0; i < gone.length; i += 500) {
    await trx
      .deleteFrom('variables')
      .where('id', 'in', gone.slice(i, i + 500))
      .execute();
  }
  const written = [...updated, ...added];
  for (let i = 0; i < written.length; i += 200) {
    const values = written.slice(i, i + 200).map((p) => ({
      id: p.id,
      space_id: owner.resource.spaceId,
      owner_id: owner.resource.id,
      ...columns(p),
    }));
    await trx.insertInto('variables').values(values).execute();
  }
  await trx
    .updateTable('resources')
    .set({ variables_version: variablesVersion })
    .where('id', '=', owner.resource.id)
    .execute();
  const from = { id: owner.resource.id, kind: owner.kind.name, name: owner.resource.name };
  await writeRefs(trx, from, 'variables', refs);
  const old = (r: VariableRow) => summarize(plannedFromRow(r, current.secrets.get(r.id)));
  await recordAudit(trx, target.by, {
    spaceId: owner.resource.spaceId,
    action: 'update',
    entityType: 'variables',
    entityId: owner.resource.id,
    before: {
      owner: from,
      what: target.what,
      variablesVersion: owner.variablesVersion,
      variables: [...updated.map((p) => old(byId.get(p.id)!)), ...removed.map(old)],
    },
    after: {
      owner: from,
      what: target.what,
      variablesVersion,
      variables: [...added, ...updated].map(summarize),
    },
  });
  return { variablesVersion, changed: true, ...change };
}

/** INVALID_INPUT listing `issues` under `variables`. */
export function invalidVariables(issues: readonly string[]): SlipwayError {
  return new SlipwayError('INVALID_INPUT', `Invalid variables: ${issues.join('; ')}`, {
    data: { issues: [...issues] },
  });
}
