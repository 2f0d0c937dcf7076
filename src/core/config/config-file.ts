/**
 * The configuration file of `slipway apply` / `slipway export` (docs/config.md): `apiVersion`,
 * `space`, then one list per kind in apply order. Each entry is validated with its kind's own schema
 * (the API's), extended only with the nested `process`, `channels` and `variables` keys, so errors
 * name the place in the file (`projects[0].lifecycle: ...`). Pure: the CLI reads YAML or JSON and
 * hands the parsed value to loadConfig.
 */
import { z } from 'zod';
import { SlipwayError } from '../errors.js';
import { environmentCreateSchema } from '../model/environment.js';
import { RESOURCE_KINDS } from '../model/kinds/index.js';
import { nameSchema, unknownFields } from '../model/parse.js';
import type { ResourceKind, ResourceKindName } from '../model/resource.js';
import {
  tenantVariableInputSchema,
  variableInputSchema,
  type TenantVariableInput,
  type VariableInput,
} from '../model/variable.js';
import { formatPath, isRecord, type DocPath } from './names.js';

/** The only apiVersion there is. */
export const CONFIG_API_VERSION = 'slipway/v1';
/** The space a file applies to when it names none. */
export const DEFAULT_CONFIG_SPACE = 'Default';

/** What an entry of the file is: an environment or a resource kind. */
export type EntityKind = 'environment' | ResourceKindName;

/** A top-level list of the file and the kind of its entries. */
export interface Section {
  key: string;
  kind: EntityKind;
}

// The brief order breaks ties between kinds of equal applyOrder, so files read the same everywhere.
const SECTION_KEYS: readonly Section[] = [
  { key: 'environments', kind: 'environment' },
  { key: 'tagSets', kind: 'tag-set' },
  { key: 'awsAccounts', kind: 'aws-account' },
  { key: 'feeds', kind: 'feed' },
  { key: 'lifecycles', kind: 'lifecycle' },
  { key: 'librarySets', kind: 'library-set' },
  { key: 'projects', kind: 'project' },
  { key: 'tenants', kind: 'tenant' },
  { key: 'ecsTargets', kind: 'ecs-target' },
];

/** The order a kind is applied in (environments first; then each kind's applyOrder). */
export function applyOrderOf(kind: EntityKind): number {
  return kind === 'environment' ? 0 : RESOURCE_KINDS[kind].applyOrder;
}

/** The file's lists in apply order. */
export const SECTIONS: readonly Section[] = SECTION_KEYS.map((s, i) => ({ s, i }))
  .sort((a, b) => applyOrderOf(a.s.kind) - applyOrderOf(b.s.kind) || a.i - b.i)
  .map(({ s }) => s);

/** The kind in messages: `environment`, `library variable set`, ... */
export function kindLabel(kind: EntityKind): string {
  return kind === 'environment' ? 'environment' : RESOURCE_KINDS[kind].label;
}

/** A variable in a file: the API's variable without `id` (files match variables by name, type and scope). */
export const fileVariableSchema = variableInputSchema.superRefine((v, ctx) => {
  if (v.id !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['id'],
      message: 'ids are not written in files: variables are matched by name, type and scope',
    });
  }
});

/** A tenant's template value in a file (without `id`). */
export const fileTenantVariableSchema = tenantVariableInputSchema.superRefine((v, ctx) => {
  if (v.id !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['id'], message: 'ids are not written in files' });
  }
});

function withNested(kind: ResourceKind, extra: z.ZodRawShape) {
  const schema = kind.schema;
  if (!(schema instanceof z.ZodObject)) {
    throw new SlipwayError(
      'INTERNAL',
      `The ${kind.label} schema must be an object to hold ${Object.keys(extra).join(', ')} in config files.`,
    );
  }
  return schema.safeExtend(extra);
}

function list(key: string, item: z.ZodType) {
  return z.array(item, { error: `${key} must be a list` }).default([]);
}

function entrySchema(kind: EntityKind): z.ZodType {
  if (kind === 'environment') return environmentCreateSchema;
  const variables = z.array(fileVariableSchema, { error: 'variables must be a list' }).optional();
  switch (kind) {
    case 'project':
      return withNested(RESOURCE_KINDS.project, {
        process: RESOURCE_KINDS.process.schema.optional(),
        channels: z.array(RESOURCE_KINDS.channel.schema, { error: 'channels must be a list' }).optional(),
        variables,
      });
    case 'library-set':
      return withNested(RESOURCE_KINDS['library-set'], { variables });
    case 'tenant':
      return withNested(RESOURCE_KINDS.tenant, {
        variables: z.array(fileTenantVariableSchema, { error: 'variables must be a list' }).optional(),
      });
    default:
      return RESOURCE_KINDS[kind].schema;
  }
}

function duplicateNames(file: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const check = (entries: unknown, path: (string | number)[], what: string) => {
    if (!Array.isArray(entries)) return;
    const seen = new Map<string, number>();
    entries.forEach((e, i) => {
      if (!isRecord(e) || typeof e.name !== 'string') return;
      const first = seen.get(e.name.toLowerCase());
      if (first === undefined) seen.set(e.name.toLowerCase(), i);
      else {
        ctx.addIssue({
          code: 'custom',
          path: [...path, i, 'name'],
          message: `${what} "${e.name}" is already at ${formatPath([...path, first])} (names are unique, ignoring case)`,
        });
      }
    });
  };
  for (const s of SECTIONS) check(file[s.key], [s.key], kindLabel(s.kind));
  const projects = file.projects;
  if (Array.isArray(projects)) {
    projects.forEach((p, i) => isRecord(p) && check(p.channels, ['projects', i, 'channels'], 'channel'));
  }
}

/** The schema of a configuration file (also published as docs/slipway.schema.json). */
export const configFileSchema = z
  .strictObject(
    {
      $schema: z.string({ error: '$schema must be a string (a URL or path of the JSON Schema)' }).optional(),
      apiVersion: z.literal(CONFIG_API_VERSION, { error: `apiVersion must be "${CONFIG_API_VERSION}"` }),
      space: nameSchema('space').default(DEFAULT_CONFIG_SPACE),
      ...Object.fromEntries(SECTIONS.map((s) => [s.key, list(s.key, entrySchema(s.kind))])),
    },
    { error: unknownFields('a Slipway configuration file') },
  )
  .superRefine(duplicateNames)
  .meta({
    title: 'Slipway configuration',
    description: 'What `slipway apply -f FILE` makes true in a space, and what `slipway export` writes.',
  });

/** One entry of the file, flattened: a top-level entity, a project's channel or its process. */
export interface DesiredEntity {
  kind: EntityKind;
  /** Its name ("" for a process, which is named by its project). */
  name: string;
  /** Where it is in the file: `projects[0].channels[1]`. */
  path: string;
  /** The project's name, for channels and processes. */
  project?: string;
  /** The document as written (nested keys removed): what apply sends, after resolving secrets. */
  input: Record<string, unknown>;
  /** The document as the kind's schema parsed it (for its references). */
  parsed: unknown;
}

interface VariableSetBase {
  ownerName: string;
  /** `projects[0].variables`. */
  path: string;
  /** As written: what apply sends, after resolving secrets. */
  input: Record<string, unknown>[];
}

/** The variables of a project or library set, or a tenant's template values (parsed: defaults filled in). */
export type DesiredVariableSet =
  | (VariableSetBase & { owner: 'project' | 'library-set'; parsed: VariableInput[] })
  | (VariableSetBase & { owner: 'tenant'; parsed: TenantVariableInput[] });

/** A whole file: its space, entities in apply order, then variable sets. */
export interface DesiredState {
  space: string;
  entities: DesiredEntity[];
  variableSets: DesiredVariableSet[];
}

/** Where a path is in the source text, e.g. `line 12`; undefined when unknown. */
export type Locate = (path: DocPath) => string | undefined;

function issueLines(error: z.ZodError, locate: Locate | undefined): string[] {
  return error.issues.map((i) => {
    const path = i.path.map((p) => (typeof p === 'number' ? p : String(p)));
    const where = locate?.(path);
    return `${formatPath(path) || '(the file)'}${where !== undefined ? ` (${where})` : ''}: ${i.message}`;
  });
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** The input without `keys`. */
function without(input: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([k]) => !keys.includes(k)));
}

/**
 * Validates a parsed file (the value YAML or JSON gave) and flattens it. Throws INVALID_INPUT whose
 * message lists every bad place (`projects[0].lifecycle: ...`); `source` names the file and `locate`
 * (default none) adds where each place is in its text.
 */
export function loadConfig(value: unknown, source = 'the configuration file', locate?: Locate): DesiredState {
  const result = configFileSchema.safeParse(value);
  if (!result.success || !isRecord(value)) {
    const issues = result.success ? ['(the file): must be an object'] : issueLines(result.error, locate);
    throw new SlipwayError(
      'INVALID_INPUT',
      `${source} is not a valid Slipway configuration (nothing was applied):\n  ${issues.join('\n  ')}`,
      { data: { issues } },
    );
  }
  const parsed: Record<string, unknown> = result.data;
  const state: DesiredState = { space: String(parsed.space), entities: [], variableSets: [] };
  const sets: Record<DesiredVariableSet['owner'], DesiredVariableSet[]> = {
    'library-set': [],
    project: [],
    tenant: [],
  };
  for (const { key, kind } of SECTIONS) {
    const raws = records(value[key]);
    const outs = records(parsed[key]);
    raws.forEach((raw, i) => {
      const out = outs[i] ?? {};
      const path = `${key}[${i}]`;
      const name = String(out.name);
      state.entities.push({
        kind,
        name,
        path,
        input: without(raw, ['process', 'channels', 'variables']),
        parsed: without(out, ['process', 'channels', 'variables']),
      });
      if (kind === 'project') {
        records(raw.channels).forEach((c, j) => {
          const parsedChannel = records(out.channels)[j] ?? {};
          state.entities.push({
            kind: 'channel',
            name: String(parsedChannel.name),
            path: `${path}.channels[${j}]`,
            project: name,
            input: c,
            parsed: parsedChannel,
          });
        });
        if (isRecord(raw.process)) {
          state.entities.push({
            kind: 'process',
            name: '',
            path: `${path}.process`,
            project: name,
            input: raw.process,
            parsed: out.process,
          });
        }
      }
      if (!Array.isArray(raw.variables)) return;
      // Parsed again for their types (the file schema's output is only known per kind at run time).
      const base = { ownerName: name, path: `${path}.variables`, input: records(raw.variables) };
      if (kind === 'project' || kind === 'library-set') {
        sets[kind].push({ ...base, owner: kind, parsed: z.array(variableInputSchema).parse(raw.variables) });
      } else if (kind === 'tenant') {
        sets.tenant.push({
          ...base,
          owner: kind,
          parsed: z.array(tenantVariableInputSchema).parse(raw.variables),
        });
      }
    });
  }
  state.variableSets = [...sets['library-set'], ...sets.project, ...sets.tenant];
  return state;
}
