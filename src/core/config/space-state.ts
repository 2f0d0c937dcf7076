/**
 * Reads what a space holds through the API, for `slipway apply` (to compare) and `slipway export`
 * (to write it down): environments, every top-level resource kind, and on demand a project's
 * channels and process and the variable sets. Every body is checked here, at the boundary.
 */
import { z } from 'zod';
import { SlipwayError } from '../errors.js';
import { SECTIONS } from './config-file.js';
import { NameIndex } from './names.js';
import { RESOURCE_KINDS } from '../model/kinds/index.js';
import type { ResourceKindName } from '../model/resource.js';
import type { StoredTenantVariable, StoredVariable } from '../model/variable.js';
import { variablePromptSchema, variableScopeSchema } from '../variables/schema.js';
import type { ConfigApi } from './api-port.js';

/** A resource as the API lists it: flat, its document fields beside id, name and version. */
export const itemSchema = z.looseObject({ id: z.string(), name: z.string(), version: z.number() });
/** A listed resource. */
export type Item = z.output<typeof itemSchema>;

/** The process of a project (a singleton: named by its project). */
export const processItemSchema = z.looseObject({ id: z.string(), version: z.number() });
export type ProcessItem = z.output<typeof processItemSchema>;

/** An environment as the API returns it. */
export const environmentItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  sortOrder: z.number(),
  guidedFailure: z.boolean(),
  version: z.number(),
});
export type EnvironmentItem = z.output<typeof environmentItemSchema>;

/** The answer of `PUT ...?dryRun=true` for a resource. */
export const dryRunSchema = z.object({ changed: z.boolean(), changedFields: z.array(z.string()) });

/** The answer of `PUT .../variables` (dry run or not). */
export const variableChangeSchema = z.object({
  variablesVersion: z.number(),
  changed: z.boolean(),
  added: z.number(),
  updated: z.number(),
  removed: z.number(),
});

const secretState = z.object({ set: z.boolean() });

const storedVariableSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(['text', 'sensitive', 'aws-account']),
  value: z.union([z.string(), secretState]),
  description: z.string().default(''),
  scope: variableScopeSchema.default({}),
  prompt: variablePromptSchema.optional(),
});

const storedTenantVariableSchema = z.union([
  z.object({
    id: z.string(),
    project: z.string(),
    environment: z.string(),
    template: z.string(),
    value: z.union([z.string(), secretState]),
  }),
  z.object({
    id: z.string(),
    librarySet: z.string(),
    template: z.string(),
    value: z.union([z.string(), secretState]),
  }),
]);

/** A stored variable set and the version to send back in If-Match. */
export interface VariableSetState<T> {
  items: T[];
  variablesVersion: number;
}

/** The top-level resource kinds a file lists (channels and processes are read per project). */
export const FILE_KINDS: readonly ResourceKindName[] = SECTIONS.flatMap((s) =>
  s.kind === 'environment' ? [] : [s.kind],
);

/** What a space holds, and an index of names and ids over it. */
export interface SpaceState {
  environments: EnvironmentItem[];
  resources: Map<ResourceKindName, Item[]>;
  index: NameIndex;
}

// Teams are not in files, but processes name them (manual interventions' responsible teams).
const READ_KINDS: readonly ResourceKindName[] = [...FILE_KINDS, 'team'];

/** Reads the environments, every top-level kind a file can list, and the teams, in parallel. */
export async function readSpace(client: ConfigApi): Promise<SpaceState> {
  const [environments, ...lists] = await Promise.all([
    client.list(client.spacePath('environments'), environmentItemSchema),
    ...READ_KINDS.map((k) => client.list(client.spacePath(RESOURCE_KINDS[k].plural), itemSchema)),
  ]);
  const index = new NameIndex();
  for (const e of environments) index.add('environment', e.id, e.name);
  const resources = new Map<ResourceKindName, Item[]>();
  READ_KINDS.forEach((k, i) => {
    const items = lists[i] ?? [];
    resources.set(k, items);
    for (const item of items) index.add(k, item.id, item.name);
  });
  return { environments, resources, index };
}

/** A project's channels (also recorded in the index). */
export async function readChannels(client: ConfigApi, projectId: string, index: NameIndex): Promise<Item[]> {
  const channels = await client.list(
    client.spacePath('projects', projectId, RESOURCE_KINDS.channel.plural),
    itemSchema,
  );
  for (const c of channels) index.add('channel', c.id, c.name, projectId);
  return channels;
}

/** The path of a project's process. */
export function processPath(client: ConfigApi, projectId: string): string {
  return client.spacePath('projects', projectId, RESOURCE_KINDS.process.plural);
}

/** A project's process. */
export async function readProcess(client: ConfigApi, projectId: string): Promise<ProcessItem> {
  return client.get(processPath(client, projectId), processItemSchema);
}

/** The path of the variables of a project, library set or tenant. */
export function variablesPath(
  client: ConfigApi,
  owner: 'project' | 'library-set' | 'tenant',
  id: string,
): string {
  return client.spacePath(RESOURCE_KINDS[owner].plural, id, 'variables');
}

async function readSet<S extends z.ZodType>(client: ConfigApi, path: string, item: S) {
  const pageSchema = z.object({
    items: z.array(item),
    nextCursor: z.string().optional(),
    variablesVersion: z.number(),
  });
  const items: z.output<S>[] = [];
  let version: number | undefined;
  let cursor: string | undefined;
  do {
    const page = await client.get(path, pageSchema, { query: { limit: 500, cursor } });
    // A set that changes between pages would be read half old, half new: say so rather than guess.
    if (version !== undefined && page.variablesVersion !== version) {
      throw new SlipwayError(
        'CONFLICT',
        `The variables at ${path} changed while being read; run the command again.`,
      );
    }
    version = page.variablesVersion;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return { items, variablesVersion: version };
}

/** The variables of a project or library set. */
export async function readVariables(
  client: ConfigApi,
  owner: 'project' | 'library-set',
  id: string,
): Promise<VariableSetState<StoredVariable>> {
  return readSet(client, variablesPath(client, owner, id), storedVariableSchema);
}

/** A tenant's template values. */
export async function readTenantVariables(
  client: ConfigApi,
  id: string,
): Promise<VariableSetState<StoredTenantVariable>> {
  return readSet(client, variablesPath(client, 'tenant', id), storedTenantVariableSchema);
}
