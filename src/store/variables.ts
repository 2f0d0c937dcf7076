/**
 * Variable sets: a project's or library set's variables, and a tenant's template values, in one
 * table. A set is read a page at a time and replaced whole under the owner's `variablesVersion`
 * (a stale version is CONFLICT), so two people editing the same variables never lose a change.
 * Sensitive values are encrypted (AES-256-GCM) and read back as `{ set }`.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import type { Page } from '../core/model/page.js';
import { parseInput } from '../core/model/parse.js';
import { isSecretEnvReference, isSecretState } from '../core/model/secret.js';
import {
  VARIABLE_SCOPE_REFS,
  variableSetInputSchema,
  type StoredTenantVariable,
  type StoredVariable,
} from '../core/model/variable.js';
import type { ScopedVariable, VariableScope, VariableSource } from '../core/variables/types.js';
import { inTransaction, type Actor } from './audit.js';
import type { JsonObject } from './doc-path.js';
import { resolveRefs, type KindRegistry, type RefRequest, type ResolvedRef } from './resource-refs.js';
import type { SecretBox } from './secrets.js';
import { planTenantValues, summarizeTenantValue, toStoredTenantVariable } from './tenant-values.js';
import type { Database, JsonValue } from './types.js';
import {
  applyPlan,
  checkVariablesVersion,
  invalidVariables,
  listRows,
  loadOwner,
  readAllRows,
  type Owner,
  type PlannedRow,
  type VariableRow,
  type VariableSetChange,
} from './variable-store.js';

/** A page of a variable set with the set's version (send it back in If-Match to replace). */
export interface VariablePage<T> extends Page<T> {
  variablesVersion: number;
}

/** A tenant's template value with its value decrypted (the deployment engine; never the API). */
export type RevealedTenantValue = StoredTenantVariable & { value: string };

/** Options of a variables repository. */
export interface VariablesRepositoryOptions {
  /** The kinds that references and messages look up by name. Default RESOURCE_KINDS. */
  kinds?: KindRegistry;
}

function toStoredVariable(row: VariableRow): StoredVariable {
  return {
    id: row.id,
    name: row.name,
    type: row.type as StoredVariable['type'],
    value: row.type === 'sensitive' ? { set: row.secret_value !== null } : (row.value ?? ''),
    description: row.description,
    scope: row.scope as StoredVariable['scope'],
    ...(row.prompt === null ? {} : { prompt: row.prompt as NonNullable<StoredVariable['prompt']> }),
  };
}

function summarizeVariable(p: PlannedRow): JsonValue {
  return {
    id: p.id,
    name: p.name,
    type: p.type,
    value: p.secret !== null ? { set: true } : p.value,
    description: p.description,
    scope: p.scope,
    ...(p.prompt === null ? {} : { prompt: p.prompt }),
  };
}

/** A scope without empty lists (an empty list is the same as none), as fresh arrays. */
function normalizeScope(scope: VariableScope): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(scope)) {
    if (Array.isArray(values) && values.length > 0) out[key] = [...(values as string[])];
  }
  return out;
}

/** Validates a variable set, resolves its scope references and plans the rows to store. */
async function planVariables(
  trx: Transaction<Database>,
  owner: Owner,
  input: unknown,
  current: { rows: readonly VariableRow[]; secrets: ReadonlyMap<string, string> },
  kinds: KindRegistry,
): Promise<{ planned: PlannedRow[]; refs: ResolvedRef[] }> {
  const items = parseInput(variableSetInputSchema, input, 'variables');
  const byId = new Map(current.rows.map((r) => [r.id, r]));
  const seen = new Map<string, number>();
  const issues: string[] = [];
  const requests: RefRequest[] = [];
  const sinks: ((value: string) => void)[] = [];
  const isProject = owner.kind.name === 'project';
  const planned = items.map((item, i): PlannedRow => {
    const at = `variables[${i}]`;
    const existing = item.id === undefined ? undefined : byId.get(item.id);
    if (item.id !== undefined) {
      if (!existing) {
        issues.push(
          `${at}.id: there is no variable "${item.id}" in this set; leave out the id to add a new variable`,
        );
      } else if (seen.has(item.id)) {
        issues.push(
          `${at}.id: variable "${item.id}" is also variables[${seen.get(item.id)}]; each appears once`,
        );
      }
      seen.set(item.id, i);
    }
    const row: PlannedRow = {
      id: existing?.id ?? `Variables-${randomUUID()}`,
      name: item.name,
      type: item.type,
      value: null,
      secret: null,
      description: item.description,
      scope: {},
      prompt: (item.prompt as JsonValue | undefined) ?? null,
      templateScope: null,
    };
    const v = item.value;
    if (item.type !== 'sensitive') {
      row.value = v as string;
    } else if (typeof v === 'string') {
      row.secret = v;
    } else if (isSecretEnvReference(v)) {
      issues.push(
        `${at}.value: {"env": ...} references are resolved by \`slipway apply\`; send the value itself`,
      );
    } else if (isSecretState(v) && v.set) {
      const stored = existing?.type === 'sensitive' ? current.secrets.get(existing.id) : undefined;
      if (stored === undefined) {
        issues.push(
          `${at}.value: {"set": true} keeps the stored value, but variable "${item.name}" has none (it is new, ` +
            `or was not sensitive); send the value`,
        );
      } else {
        row.secret = stored;
      }
    } else {
      issues.push(`${at}.value: a sensitive variable needs a value; send it, or remove the variable instead`);
    }
    const scope = normalizeScope(item.scope);
    for (const [dimension, target] of Object.entries(VARIABLE_SCOPE_REFS)) {
      const values = scope[dimension];
      if (!values) continue;
      if (dimension === 'channels' && !isProject) {
        issues.push(
          `${at}.scope.channels: a ${owner.kind.label}'s variables cannot be scoped to channels (a channel ` +
            `belongs to one project); scope the value in the project instead`,
        );
        continue;
      }
      values.forEach((value, j) => {
        requests.push({
          path: `variables "${item.name}".scope.${dimension}[${j}]`,
          where: `${at}.scope.${dimension}[${j}]`,
          target,
          value,
          ...(isProject ? { projectId: owner.resource.id } : {}),
        });
        sinks.push((id) => (values[j] = id));
      });
    }
    row.scope = scope as JsonObject;
    if (item.type === 'aws-account' && typeof v === 'string') {
      requests.push({
        path: `variables "${item.name}".value`,
        where: `${at}.value`,
        target: 'aws-account',
        value: v,
      });
      sinks.push((id) => (row.value = id));
    }
    return row;
  });
  if (issues.length > 0) throw invalidVariables(issues);
  const refs = await resolveRefs(trx, owner.resource.spaceId, requests, 'variables', kinds);
  refs.forEach((r, i) => sinks[i]!(r.value));
  return { planned, refs };
}

/** Variable sets over `db`. The owner is a project, library set (variables) or tenant (template values). */
export function variablesRepository(
  db: Kysely<Database>,
  secrets: SecretBox,
  options: VariablesRepositoryOptions = {},
) {
  const kinds = options.kinds ?? RESOURCE_KINDS;

  return {
    /** One page of the owner's variables in (name, id) order; query: limit, cursor, name (substring). */
    async list(spaceId: string, ownerId: string, query: unknown = {}): Promise<VariablePage<StoredVariable>> {
      const owner = await loadOwner(db, spaceId, ownerId, kinds, 'variables');
      const { items, nextCursor } = await listRows(db, ownerId, query);
      return {
        items: items.map(toStoredVariable),
        ...(nextCursor ? { nextCursor } : {}),
        variablesVersion: owner.variablesVersion,
      };
    },

    /** Replaces the owner's variables if the set is still at `expectedVersion` (else CONFLICT). */
    async replace(
      spaceId: string,
      ownerId: string,
      input: unknown,
      expectedVersion: number | undefined,
      by: Actor,
      options: { dryRun?: boolean } = {},
    ): Promise<VariableSetChange> {
      return inTransaction(db, async (trx) => {
        const owner = await loadOwner(trx, spaceId, ownerId, kinds, 'variables', true);
        checkVariablesVersion(owner, expectedVersion, 'variables');
        const current = await readAllRows(trx, secrets, ownerId);
        const { planned, refs } = await planVariables(trx, owner, input, current, kinds);
        const target = { trx, box: secrets, by, owner, what: 'variables' as const };
        return applyPlan(target, planned, refs, current, summarizeVariable, options.dryRun === true);
      });
    },

    /** One page of a tenant's template values, in (template, id) order. */
    async listTenantValues(
      spaceId: string,
      tenantId: string,
      query: unknown = {},
    ): Promise<VariablePage<StoredTenantVariable>> {
      const owner = await loadOwner(db, spaceId, tenantId, kinds, 'template values');
      const { items, nextCursor } = await listRows(db, tenantId, query);
      return {
        items: items.map(toStoredTenantVariable),
        ...(nextCursor ? { nextCursor } : {}),
        variablesVersion: owner.variablesVersion,
      };
    },

    /**
     * Replaces a tenant's template values (templates must exist on the project / library set, and
     * the tenant must be connected to the project in that environment) under `expectedVersion`.
     */
    async replaceTenantValues(
      spaceId: string,
      tenantId: string,
      input: unknown,
      expectedVersion: number | undefined,
      by: Actor,
      options: { dryRun?: boolean } = {},
    ): Promise<VariableSetChange> {
      return inTransaction(db, async (trx) => {
        const owner = await loadOwner(trx, spaceId, tenantId, kinds, 'template values', true);
        checkVariablesVersion(owner, expectedVersion, 'template values');
        const current = await readAllRows(trx, secrets, tenantId);
        const { planned, refs } = await planTenantValues(trx, owner, input, current, kinds);
        const target = { trx, box: secrets, by, owner, what: 'template values' as const };
        return applyPlan(target, planned, refs, current, summarizeTenantValue, options.dryRun === true);
      });
    },

    /** Every variable of the owner, decrypted, as resolution takes them (the deployment engine; never the API). */
    async snapshot(spaceId: string, ownerId: string): Promise<ScopedVariable[]> {
      return inTransaction(db, async (trx) => {
        const owner = await loadOwner(trx, spaceId, ownerId, kinds, 'variables');
        const source: VariableSource =
          owner.kind.name === 'project'
            ? { kind: 'project' }
            : { kind: 'library', setId: owner.resource.id, setName: owner.resource.name };
        const { rows, secrets: values } = await readAllRows(trx, secrets, ownerId);
        return rows.map((row): ScopedVariable => {
          const stored = toStoredVariable(row);
          return {
            id: row.id,
            name: row.name,
            value: row.type === 'sensitive' ? (values.get(row.id) ?? '') : (row.value ?? ''),
            type: stored.type,
            scope: stored.scope,
            source,
            ...(row.description === '' ? {} : { description: row.description }),
            ...(stored.prompt ? { prompt: stored.prompt } : {}),
          };
        });
      });
    },

    /** Every template value of a tenant, decrypted (the deployment engine reads them live; never the API). */
    async revealTenantValues(spaceId: string, tenantId: string): Promise<RevealedTenantValue[]> {
      return inTransaction(db, async (trx) => {
        await loadOwner(trx, spaceId, tenantId, kinds, 'template values');
        const { rows, secrets: values } = await readAllRows(trx, secrets, tenantId);
        return rows.map((row) => ({
          ...toStoredTenantVariable(row),
          value: row.type === 'sensitive' ? (values.get(row.id) ?? '') : (row.value ?? ''),
        }));
      });
    },
  };
}

/** A variables repository's type. */
export type VariablesRepository = ReturnType<typeof variablesRepository>;
