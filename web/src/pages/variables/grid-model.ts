/**
 * The variable grid's pure logic: the API's variable set (GET/PUT .../variables, docs/api.md
 * "Variable sets") as editable rows and back, scope summaries, and the API's validation issues by
 * row and field. Sensitive values are write-only: a stored one is only "set"; the row keeps it
 * (`{ "set": true }` on save) until someone types a replacement.
 */
import { fieldErrors } from '../../lib/field-errors.js';

/** The variable types the API accepts. */
export const VARIABLE_TYPES = ['text', 'sensitive', 'aws-account'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

/** The scope dimensions, in the order the docs list them. */
export const SCOPE_DIMENSIONS = [
  'environments',
  'targets',
  'roles',
  'steps',
  'channels',
  'tenants',
  'tenantTags',
  'processes',
] as const;
export type ScopeDimension = (typeof SCOPE_DIMENSIONS)[number];
export type VariableScope = Partial<Record<ScopeDimension, string[]>>;

/** How each dimension reads in the UI. */
export const DIMENSION_LABELS: Record<ScopeDimension, string> = {
  environments: 'Environments',
  targets: 'Targets',
  roles: 'Roles',
  steps: 'Steps',
  channels: 'Channels',
  tenants: 'Tenants',
  tenantTags: 'Tenant tags',
  processes: 'Processes',
};

export const PROMPT_CONTROLS = ['single-line', 'multi-line', 'checkbox', 'select'] as const;
export type PromptControl = (typeof PROMPT_CONTROLS)[number];

/** A prompted variable's prompt (docs/variables.md, "The model"). */
export interface VariablePrompt {
  label: string;
  description?: string;
  required: boolean;
  control: PromptControl;
  options?: Record<string, string>;
}

/** A variable as GET .../variables answers it. */
export interface StoredVariable {
  id: string;
  name: string;
  type: VariableType;
  value: string | { set: boolean };
  description: string;
  scope: VariableScope;
  prompt?: VariablePrompt;
}

/** One page of a variable set. */
export interface VariablePage {
  items: StoredVariable[];
  nextCursor?: string;
  variablesVersion: number;
}

/** What PUT .../variables answers. */
export interface VariableSetChange {
  variablesVersion: number;
  changed: boolean;
  added: number;
  updated: number;
  removed: number;
}

/** One row of the grid. */
export interface Row {
  /** A key for React, stable while the page is open. */
  key: string;
  /** The stored variable's id; absent for a new row. */
  id?: string;
  name: string;
  type: VariableType;
  /** The value typed; for a sensitive row whose secret is kept, ''. */
  value: string;
  /** Sensitive rows only: the stored secret is kept (nothing typed to replace it). */
  keepSecret: boolean;
  description: string;
  scope: VariableScope;
  prompt?: VariablePrompt;
}

/** One variable as PUT .../variables takes it. */
export interface VariableInput {
  id?: string;
  name: string;
  type: VariableType;
  value: string | { set: true };
  description: string;
  scope: VariableScope;
  prompt?: VariablePrompt;
}

let counter = 0;
/** A fresh row key. */
export function rowKey(): string {
  counter += 1;
  return `row-${counter}`;
}

function cleanScope(scope: VariableScope): VariableScope {
  const out: VariableScope = {};
  for (const d of SCOPE_DIMENSIONS) {
    const values = scope[d];
    if (values && values.length > 0) out[d] = [...values];
  }
  return out;
}

/** The rows of a stored set, in stored order. */
export function toRows(items: readonly StoredVariable[]): Row[] {
  return items.map((v) => {
    return {
      key: rowKey(),
      id: v.id,
      name: v.name,
      type: v.type,
      value: typeof v.value === 'string' ? v.value : '',
      keepSecret: v.type === 'sensitive' && typeof v.value !== 'string' && v.value.set,
      description: v.description,
      scope: cleanScope(v.scope),
      ...(v.prompt ? { prompt: v.prompt } : {}),
    };
  });
}

/** A new, empty row (default type text, unscoped); `name` prefilled for another value of a name. */
export function newRow(name = ''): Row {
  return { key: rowKey(), name, type: 'text', value: '', keepSecret: false, description: '', scope: {} };
}

/** The body of PUT .../variables for `rows` (position i is row i, so issues name rows by index). */
export function toDocument(rows: readonly Row[]): VariableInput[] {
  return rows.map((r) => {
    const keep = r.type === 'sensitive' && r.keepSecret && r.value === '';
    const prompt = r.prompt ? cleanPrompt(r.prompt) : undefined;
    return {
      ...(r.id ? { id: r.id } : {}),
      name: r.name.trim(),
      type: r.type,
      value: keep ? { set: true } : r.value,
      description: r.description,
      scope: cleanScope(r.scope),
      ...(prompt ? { prompt } : {}),
    };
  });
}

function cleanPrompt(p: VariablePrompt): VariablePrompt {
  return {
    label: p.label,
    ...(p.description ? { description: p.description } : {}),
    required: p.required,
    control: p.control,
    ...(p.control === 'select' ? { options: p.options ?? {} } : {}),
  };
}

/** Whether `rows` differ from the stored `items` (what saving would send is not what was read). */
export function isDirty(rows: readonly Row[], items: readonly StoredVariable[]): boolean {
  return JSON.stringify(toDocument(rows)) !== JSON.stringify(toDocument(toRows(items)));
}

/**
 * A scope in words: "Environments: Dev, Prod · Roles: web", each value through `nameOf` (ids to
 * names); "Unscoped" without any dimension.
 */
export function scopeSummary(
  scope: VariableScope,
  nameOf: (dimension: ScopeDimension, value: string) => string = (_d, v) => v,
): string {
  const parts = SCOPE_DIMENSIONS.flatMap((d) => {
    const values = scope[d];
    if (!values || values.length === 0) return [];
    return [`${DIMENSION_LABELS[d]}: ${values.map((v) => nameOf(d, v)).join(', ')}`];
  });
  return parts.length === 0 ? 'Unscoped' : parts.join(' · ');
}

/** The field of a row an issue names: name, value, type, description, scope, prompt, or '' (the row). */
export type RowField = 'name' | 'value' | 'type' | 'description' | 'scope' | 'prompt' | '';

/**
 * The API's issues by row index and field ("variables[2].scope.environments[0]: ..." → row 2,
 * scope); issues that name no row are under -1.
 */
export function rowErrors(issues: readonly string[]): Map<number, Partial<Record<RowField, string>>> {
  const out = new Map<number, Partial<Record<RowField, string>>>();
  const add = (row: number, field: RowField, message: string) => {
    const fields = out.get(row) ?? {};
    fields[field] ??= message;
    out.set(row, fields);
  };
  for (const [path, message] of Object.entries(fieldErrors(issues, 'variables'))) {
    const m = /^\[(\d+)\](?:\.([A-Za-z]+))?/.exec(path);
    if (!m) {
      add(-1, '', message);
      continue;
    }
    const field = m[2] ?? '';
    const known: RowField[] = ['name', 'value', 'type', 'description', 'scope', 'prompt'];
    add(Number(m[1]), known.includes(field as RowField) ? (field as RowField) : '', message);
  }
  return out;
}

/** Parses "a, b ,c" into ['a', 'b', 'c'] (empty parts dropped). */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Select options written one per line as "value=Display text" (or just "value"). */
export function parseOptions(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const at = trimmed.indexOf('=');
    const value = (at < 0 ? trimmed : trimmed.slice(0, at)).trim();
    out[value] = (at < 0 ? trimmed : trimmed.slice(at + 1)).trim();
  }
  return out;
}

/** The inverse of parseOptions. */
export function formatOptions(options: Record<string, string> | undefined): string {
  return Object.entries(options ?? {})
    .map(([v, t]) => (v === t ? v : `${v}=${t}`))
    .join('\n');
}
