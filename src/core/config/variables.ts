/**
 * Variable sets in configuration files. A file has no variable ids: apply maps each variable onto
 * the stored set by name + type + scope, so a kept variable keeps its id (and the server can compare
 * a sensitive value it alone can read). Export writes the stored set back with names and with
 * `{ env }` references instead of sensitive values.
 */
import type { ResourceRef } from '../model/resource.js';
import {
  VARIABLE_SCOPE_REFS,
  type StoredTenantVariable,
  type StoredVariable,
  type TenantVariableInput,
  type VariableInput,
} from '../model/variable.js';
import { isSecretState } from '../model/secret.js';
import { isRecord, type NameIndex } from './names.js';
import type { SecretNames } from './secrets.js';

type Scope = Readonly<Record<string, readonly string[] | undefined>>;

/** The references of a variable: its scope's environments, channels, tenants, targets, tags; an AWS account value. */
export function variableRefs(v: { type: string; value: unknown; scope: Scope }): ResourceRef[] {
  const refs: ResourceRef[] = [];
  for (const [dim, values] of Object.entries(v.scope)) {
    const target = VARIABLE_SCOPE_REFS[dim];
    if (target === undefined || values === undefined) continue;
    values.forEach((value, i) => refs.push({ path: ['scope', dim, i], target, value }));
  }
  if (v.type === 'aws-account' && typeof v.value === 'string') {
    refs.push({ path: ['value'], target: 'aws-account', value: v.value });
  }
  return refs;
}

/** The references of a tenant's template value: its project and environment, or its library set. */
export function tenantVariableRefs(v: TenantVariableInput | StoredTenantVariable): ResourceRef[] {
  return 'librarySet' in v
    ? [{ path: ['librarySet'], target: 'library-set', value: v.librarySet }]
    : [
        { path: ['project'], target: 'project', value: v.project },
        { path: ['environment'], target: 'environment', value: v.environment },
      ];
}

/** Resolves a reference written in a file to an id (undefined when it does not exist yet). */
export type RefResolver = (ref: ResourceRef) => string | undefined;

// Dimensions whose values are ids once stored; roles, steps and processes are free text.
function scopeKey(scope: Scope, idOf: RefResolver | undefined): string {
  const dims = Object.entries(scope)
    .filter(([, values]) => values !== undefined && values.length > 0)
    .map(([dim, values]) => {
      const target = VARIABLE_SCOPE_REFS[dim];
      const mapped = (values ?? []).map((value, i) => {
        if (target === 'tag') return value.toLowerCase();
        if (target === undefined || idOf === undefined) return value;
        // Something not created yet cannot match a stored scope.
        return idOf({ path: ['scope', dim, i], target, value }) ?? `\u0000new:${value}`;
      });
      return [dim, [...new Set(mapped)].sort()] as const;
    })
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(dims);
}

function variableKey(v: { name: string; type: string; scope: Scope }, idOf?: RefResolver): string {
  return JSON.stringify([v.name, v.type, scopeKey(v.scope, idOf)]);
}

/** Pairs each desired item with a stored one of the same key (each stored one used once, in order). */
function pairByKey<D, S extends { id: string }>(
  desired: readonly D[],
  stored: readonly S[],
  keyOfDesired: (d: D) => string,
  keyOfStored: (s: S) => string,
): (string | undefined)[] {
  const pool = new Map<string, string[]>();
  for (const s of stored) {
    const key = keyOfStored(s);
    pool.set(key, [...(pool.get(key) ?? []), s.id]);
  }
  return desired.map((d) => pool.get(keyOfDesired(d))?.shift());
}

/** The stored id each desired variable keeps (same name, type and scope), or undefined for a new one. */
export function matchVariables(
  desired: readonly VariableInput[],
  stored: readonly StoredVariable[],
  idOf: RefResolver,
): (string | undefined)[] {
  return pairByKey(
    desired,
    stored,
    (d) => variableKey(d, idOf),
    (s) => variableKey(s),
  );
}

function tenantKey(v: TenantVariableInput | StoredTenantVariable, idOf?: RefResolver): string {
  const id = (ref: ResourceRef) => (idOf ? (idOf(ref) ?? `\u0000new:${ref.value}`) : ref.value);
  const refs = tenantVariableRefs(v).map(id);
  return JSON.stringify([...refs, v.template]);
}

/** The stored id each desired tenant value keeps (same project × environment or library set, and template). */
export function matchTenantVariables(
  desired: readonly TenantVariableInput[],
  stored: readonly StoredTenantVariable[],
  idOf: RefResolver,
): (string | undefined)[] {
  return pairByKey(
    desired,
    stored,
    (d) => tenantKey(d, idOf),
    (s) => tenantKey(s),
  );
}

function names(ids: readonly string[], index: NameIndex): string[] {
  return ids.map((id) => index.nameOf(id) ?? id);
}

/** A stored variable set as a file writes it: names for ids, `{ env }` for sensitive values, defaults left out. */
export function exportVariables(
  stored: readonly StoredVariable[],
  index: NameIndex,
  secrets: SecretNames,
  owner: { kind: string; name: string },
): Record<string, unknown>[] {
  return stored.map((v) => {
    const out: Record<string, unknown> = { name: v.name };
    if (v.type !== 'text') out.type = v.type;
    if (isSecretState(v.value)) {
      out.value = v.value.set ? { env: secrets.next(owner.kind, owner.name, v.name) } : null;
    } else {
      out.value = v.type === 'aws-account' ? (index.nameOf(v.value) ?? v.value) : v.value;
    }
    if (v.description !== '') out.description = v.description;
    const scope: Record<string, string[]> = {};
    for (const [dim, values] of Object.entries(v.scope as Scope)) {
      if (values === undefined || values.length === 0) continue;
      scope[dim] = VARIABLE_SCOPE_REFS[dim] === undefined ? [...values] : names(values, index);
    }
    if (Object.keys(scope).length > 0) out.scope = scope;
    if (isRecord(v.prompt)) out.prompt = v.prompt;
    return out;
  });
}

/** A tenant's stored template values as a file writes them. */
export function exportTenantVariables(
  stored: readonly StoredTenantVariable[],
  index: NameIndex,
  secrets: SecretNames,
  tenant: string,
): Record<string, unknown>[] {
  return stored.map((v) => {
    const where =
      'librarySet' in v
        ? { librarySet: index.nameOf(v.librarySet) ?? v.librarySet }
        : {
            project: index.nameOf(v.project) ?? v.project,
            environment: index.nameOf(v.environment) ?? v.environment,
          };
    const field = [...Object.values(where), v.template].join('_');
    const value = isSecretState(v.value)
      ? v.value.set
        ? { env: secrets.next('tenant', tenant, field) }
        : null
      : v.value;
    return { ...where, template: v.template, value };
  });
}
