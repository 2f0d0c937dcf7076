/**
 * A tenant's values for variable templates: per connected project × environment for a project's
 * templates, once per tenant for a library set's (common) templates. Checked against the templates
 * and the tenant's project connections; sensitive when the template is.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { parseInput } from '../core/model/parse.js';
import { isSecretEnvReference, isSecretState } from '../core/model/secret.js';
import {
  tenantVariableSetInputSchema,
  type StoredTenantVariable,
  type TenantVariableInput,
} from '../core/model/variable.js';
import { resolveRefs, type KindRegistry, type RefRequest, type ResolvedRef } from './resource-refs.js';
import type { Database, JsonValue } from './types.js';
import { invalidVariables, type Owner, type PlannedRow, type VariableRow } from './variable-store.js';

interface TemplateScope {
  project?: string;
  environment?: string;
  librarySet?: string;
}

interface Doc {
  id: string;
  kind: string;
  name: string;
  data: Record<string, unknown>;
}

function keyOf(scope: TemplateScope, template: string): string {
  return scope.librarySet !== undefined
    ? `l\u0000${scope.librarySet}\u0000${template.toLowerCase()}`
    : `p\u0000${scope.project}\u0000${scope.environment}\u0000${template.toLowerCase()}`;
}

function templatesOf(doc: Doc): { name: string; type?: string }[] {
  return Array.isArray(doc.data.templates) ? (doc.data.templates as { name: string; type?: string }[]) : [];
}

/** A stored row as reads return it (sensitive values as `{ set }`). */
export function toStoredTenantVariable(row: VariableRow): StoredTenantVariable {
  const scope = (row.template_scope ?? {}) as TemplateScope;
  const value = row.type === 'sensitive' ? { set: row.secret_value !== null } : (row.value ?? '');
  return scope.librarySet !== undefined
    ? { id: row.id, librarySet: scope.librarySet, template: row.name, value }
    : {
        id: row.id,
        project: scope.project ?? '',
        environment: scope.environment ?? '',
        template: row.name,
        value,
      };
}

/** What the audit log keeps of a planned tenant value (no sensitive value). */
export function summarizeTenantValue(p: PlannedRow): JsonValue {
  return {
    id: p.id,
    template: p.name,
    ...(p.templateScope as Record<string, JsonValue>),
    value: p.secret !== null ? { set: true } : p.value,
  };
}

/**
 * Validates a tenant's template values against its connections and the templates, and plans the
 * rows to store (an item matches a stored value by id, else by project, environment and template).
 */
export async function planTenantValues(
  trx: Transaction<Database>,
  owner: Owner,
  input: unknown,
  current: { rows: readonly VariableRow[]; secrets: ReadonlyMap<string, string> },
  kinds: KindRegistry,
): Promise<{ planned: PlannedRow[]; refs: ResolvedRef[] }> {
  const items: TenantVariableInput[] = parseInput(tenantVariableSetInputSchema, input, 'variables');
  const spaceId = owner.resource.spaceId;
  const requests: RefRequest[] = items.flatMap((item, i): RefRequest[] => {
    const at = (field: string) => ({
      path: `values "${item.template}".${field}`,
      where: `variables[${i}].${field}`,
    });
    return 'librarySet' in item
      ? [{ ...at('librarySet'), target: 'library-set', value: item.librarySet }]
      : [
          { ...at('project'), target: 'project', value: item.project },
          { ...at('environment'), target: 'environment', value: item.environment },
        ];
  });
  const refs = await resolveRefs(trx, spaceId, requests, 'variables', kinds);

  const connections = Array.isArray(owner.resource.data.projects)
    ? (owner.resource.data.projects as { project: string; environments: string[] }[])
    : [];
  const ids = [...new Set([...refs.map((r) => r.toId), ...connections.map((c) => c.project)])];
  const docs = new Map<string, Doc>();
  if (ids.length > 0) {
    const rows = await trx
      .selectFrom('resources')
      .select(['id', 'kind', 'name', 'data'])
      .where('space_id', '=', spaceId)
      .where('id', 'in', ids)
      .execute();
    for (const r of rows) docs.set(r.id, { ...r, data: r.data as Record<string, unknown> });
  }
  const envNames = new Map<string, string>();
  for (const r of await trx
    .selectFrom('environments')
    .select(['id', 'name'])
    .where('space_id', '=', spaceId)
    .execute()) {
    envNames.set(r.id, r.name);
  }

  const tenant = `tenant "${owner.resource.name}"`;
  const issues: string[] = [];
  const byId = new Map(current.rows.map((r) => [r.id, r]));
  const claimed = new Map<string, number>();
  const keys = new Map<string, number>();
  let next = 0;
  const drafts: { row: PlannedRow; index: number; keep: boolean; stored?: VariableRow }[] = [];
  items.forEach((item, i) => {
    const at = `variables[${i}]`;
    let scope: TemplateScope;
    let holder: Doc | undefined;
    if ('librarySet' in item) {
      const setId = refs[next++]!.toId;
      holder = docs.get(setId);
      scope = { librarySet: setId };
      const included = connections.some((c) => {
        const sets = docs.get(c.project)?.data.librarySets;
        return Array.isArray(sets) && sets.includes(setId);
      });
      if (!included) {
        issues.push(
          `${at}.librarySet: library variable set "${holder?.name ?? setId}" is not included by any project ${tenant} ` +
            `is connected to; include it in one of them, or connect the tenant to such a project, first`,
        );
        return;
      }
    } else {
      const projectId = refs[next++]!.toId;
      const envId = refs[next++]!.toId;
      holder = docs.get(projectId);
      scope = { project: projectId, environment: envId };
      const connection = connections.find((c) => c.project === projectId);
      const project = `project "${holder?.name ?? projectId}"`;
      if (!connection) {
        issues.push(
          `${at}.project: ${tenant} is not connected to ${project}; connect it in the tenant's projects first`,
        );
        return;
      }
      if (!connection.environments.includes(envId)) {
        issues.push(
          `${at}.environment: ${tenant} is connected to ${project} but not in environment ` +
            `"${envNames.get(envId) ?? envId}"; add the environment to that connection first`,
        );
        return;
      }
    }
    const what = `${holder?.kind === 'library-set' ? 'library variable set' : 'project'} "${holder?.name ?? ''}"`;
    const template = holder
      ? templatesOf(holder).find((t) => t.name.toLowerCase() === item.template.toLowerCase())
      : undefined;
    if (!template) {
      issues.push(
        `${at}.template: ${what} has no variable template "${item.template}"; add it to its templates first`,
      );
      return;
    }
    const key = keyOf(scope, template.name);
    const twin = keys.get(key);
    if (twin !== undefined) {
      issues.push(
        `${at}: a second value for template "${template.name}" of ${what} (see variables[${twin}]); give each one value`,
      );
      return;
    }
    keys.set(key, i);

    let existing: VariableRow | undefined;
    if (item.id !== undefined) {
      existing = byId.get(item.id);
      if (!existing) {
        issues.push(
          `${at}.id: ${tenant} has no template value "${item.id}"; leave out the id to add a value`,
        );
        return;
      }
      if (claimed.has(item.id)) {
        issues.push(
          `${at}.id: value "${item.id}" is also variables[${claimed.get(item.id)}]; each value appears once`,
        );
        return;
      }
      claimed.set(item.id, i);
    }
    const sensitive = template.type === 'sensitive';
    const row: PlannedRow = {
      id: item.id ?? '',
      name: template.name,
      type: sensitive ? 'sensitive' : 'text',
      value: null,
      secret: null,
      description: '',
      scope: {},
      prompt: null,
      templateScope: scope as JsonValue,
    };
    const draft = { row, index: i, keep: false, ...(existing ? { stored: existing } : {}) };
    const v = item.value;
    if (typeof v === 'string') {
      if (sensitive) row.secret = v;
      else row.value = v;
    } else if (isSecretEnvReference(v)) {
      issues.push(
        `${at}.value: {"env": ...} references are resolved by \`slipway apply\`; send the value itself`,
      );
    } else if (!sensitive) {
      issues.push(`${at}.value: template "${template.name}" is not sensitive: send its value as a string`);
    } else if (isSecretState(v) && v.set) {
      draft.keep = true;
    } else {
      issues.push(
        `${at}.value: a sensitive template value needs a value; send it, or remove the value instead`,
      );
    }
    drafts.push(draft);
  });

  // Items without an id take the stored value with the same project, environment and template.
  const free = new Map<string, VariableRow>();
  for (const r of current.rows) {
    if (!claimed.has(r.id)) free.set(keyOf((r.template_scope ?? {}) as TemplateScope, r.name), r);
  }
  for (const d of drafts) {
    if (d.stored === undefined) {
      const key = keyOf(d.row.templateScope as TemplateScope, d.row.name);
      const twin = free.get(key);
      if (twin) {
        free.delete(key);
        d.stored = twin;
      }
    }
    d.row.id = d.stored?.id ?? `Variables-${randomUUID()}`;
    if (!d.keep) continue;
    const secret = d.stored?.type === 'sensitive' ? current.secrets.get(d.stored.id) : undefined;
    if (secret === undefined) {
      issues.push(
        `variables[${d.index}].value: {"set": true} keeps the stored value, but template "${d.row.name}" ` +
          `has none here yet; send the value`,
      );
    } else {
      d.row.secret = secret;
    }
  }
  if (issues.length > 0) throw invalidVariables(issues);
  return { planned: drafts.map((d) => d.row), refs };
}
