/**
 * Plans `slipway apply`: resolves the file's secrets from the environment, reads the space, checks
 * that every name the file refers to exists (in the file or the space), and decides per entity
 * whether it is created, updated (asking the server with `PUT ?dryRun=true`, which alone can
 * compare secrets) or unchanged. Nothing is written here: each step carries the write that applies it.
 */
import { z } from 'zod';
import { kindLabel, type DesiredEntity, type DesiredState, type DesiredVariableSet } from './config-file.js';
import { isIndexedTarget } from './names.js';
import { environmentChanges, PendingNames, type PlanEntry } from './plan.js';
import { resolveSecrets, secretPaths, type SecretResolution } from './secrets.js';
import { matchTenantVariables, matchVariables, tenantVariableRefs, variableRefs } from './variables.js';
import { entryTitle } from './render-plan.js';
import { SlipwayError, isSlipwayError } from '../errors.js';
import { environmentCreateSchema } from '../model/environment.js';
import { RESOURCE_KINDS } from '../model/kinds/index.js';
import type { ResourceRef } from '../model/resource.js';
import { isSecretEnvReference, isSecretState } from '../model/secret.js';
import type { ConfigApi } from './api-port.js';
import { checkReferences, targetLabel } from './references.js';
import {
  dryRunSchema,
  environmentItemSchema,
  itemSchema,
  processPath,
  readChannels,
  readProcess,
  readSpace,
  readTenantVariables,
  readVariables,
  variableChangeSchema,
  variablesPath,
  type Item,
  type SpaceState,
} from './space-state.js';

/** One planned entry and the write that applies it (none when unchanged). */
export interface PlannedStep {
  entry: PlanEntry;
  run?: () => Promise<void>;
}

/** The plan, and warnings to show before it (plain-text secrets). */
export interface Plan {
  steps: PlannedStep[];
  warnings: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Replaces `{ env }` secrets in the (cloned) file with their values; throws CONFIG naming each missing one. */
function resolveAll(state: DesiredState, env: Env): string[] {
  const res: SecretResolution = { missing: [], plain: [] };
  for (const e of state.entities) {
    if (e.kind === 'environment') continue;
    resolveSecrets(e.input, secretPaths(e.input, RESOURCE_KINDS[e.kind].secretFields), env, e.path, res);
  }
  for (const set of state.variableSets) {
    set.input.forEach((v, i) => {
      const sensitive = set.owner !== 'tenant' && set.parsed[i]?.type === 'sensitive';
      if (sensitive || isSecretEnvReference(v.value))
        resolveSecrets(v, [['value']], env, `${set.path}[${i}]`, res);
    });
  }
  if (res.missing.length > 0) {
    throw new SlipwayError(
      'CONFIG',
      `The file refers to environment variables that are not set (nothing was applied):\n  ${res.missing.join('\n  ')}\n` +
        'Set them and run apply again.',
      { data: { missing: res.missing } },
    );
  }
  return res.plain.map(
    (p) =>
      `${p} is written in the file in plain text; secrets belong in the environment: write { env: NAME } and set NAME.`,
  );
}

/** Runs `fn`, naming the entity in any error it throws (the code stays the server's). */
async function about<T>(entry: PlanEntry, doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!isSlipwayError(e)) throw e;
    throw new SlipwayError(e.code, `${doing} ${entryTitle(entry)} (${entry.path}): ${e.message}`, {
      cause: e,
      data: e.data,
    });
  }
}

/** Plans applying `desired` to the client's space; `env` supplies `{ env }` secrets. */
export async function planApply(client: ConfigApi, desired: DesiredState, env: Env): Promise<Plan> {
  const state = structuredClone(desired);
  const warnings = resolveAll(state, env);
  const space = await readSpace(client);
  const { index } = space;
  const projectId = (name: string | undefined) =>
    name === undefined ? undefined : index.idOf('project', name);
  // Channels of the file's projects that exist: the file's channels and processes are matched against them.
  const channels = new Map<string, Item[]>();
  const existing = state.entities.flatMap((e) => {
    const id = e.kind === 'project' ? projectId(e.name) : undefined;
    return id === undefined ? [] : [id];
  });
  await Promise.all(existing.map(async (id) => channels.set(id, await readChannels(client, id, index))));
  checkReferences(state, space, client.space);

  const pending = new PendingNames();
  const exists = (e: DesiredEntity) =>
    e.kind === 'channel'
      ? index.idOf('channel', e.name, projectId(e.project)) !== undefined
      : e.kind === 'process' || index.idOf(e.kind, e.name) !== undefined;
  for (const e of state.entities) if (!exists(e)) pending.add(e.kind, e.name, e.project);
  const pendingIn = (refs: readonly ResourceRef[], project?: string) =>
    refs.filter((r) => isIndexedTarget(r.target) && pending.has(r.target, r.value, project));
  const noteFor = (refs: readonly ResourceRef[]) =>
    `refers to ${refs.map((r) => `${targetLabel(r.target)} "${r.value}"`).join(', ')}, created by this apply`;

  const steps: PlannedStep[] = [];
  for (const e of state.entities)
    steps.push(await planEntity(client, space, e, channels, pendingIn, noteFor));
  for (const set of state.variableSets)
    steps.push(await planVariables(client, space, set, pendingIn, noteFor));
  return { steps, warnings };
}

type PendingIn = (refs: readonly ResourceRef[], project?: string) => ResourceRef[];

function entryOf(e: DesiredEntity): PlanEntry {
  const base = { kind: e.kind, what: kindLabel(e.kind), path: e.path, changedFields: [] as string[] };
  if (e.kind === 'process')
    return { ...base, action: 'create' as const, owner: `project "${e.project ?? ''}"` };
  return {
    ...base,
    action: 'create',
    name: e.name,
    ...(e.project !== undefined ? { owner: `project "${e.project}"` } : {}),
  };
}

async function planEntity(
  client: ConfigApi,
  space: SpaceState,
  e: DesiredEntity,
  channels: Map<string, Item[]>,
  pendingIn: PendingIn,
  noteFor: (refs: readonly ResourceRef[]) => string,
): Promise<PlannedStep> {
  const { index } = space;
  const entry = entryOf(e);
  const body = e.input;
  if (e.kind === 'environment') {
    const current = space.environments.find((x) => x.id === index.idOf('environment', e.name));
    if (current === undefined) {
      const run = async () => {
        const created = await client.post(client.spacePath('environments'), body, environmentItemSchema);
        index.add('environment', created.id, created.name);
      };
      return { entry, run };
    }
    const { fields, patch } = environmentChanges(environmentCreateSchema.parse(e.input), current);
    if (fields.length === 0) return { entry: { ...entry, action: 'unchanged' } };
    const path = client.spacePath('environments', current.id);
    const run = () =>
      client.patch(path, patch, environmentItemSchema, { ifMatch: current.version }).then(() => {});
    return { entry: { ...entry, action: 'update', changedFields: fields }, run };
  }

  const kind = RESOURCE_KINDS[e.kind];
  const refs = pendingIn(kind.refs(e.parsed), e.project);
  // Where it lives, and its current version (undefined: it is created).
  let target: { path: string; version: number } | undefined;
  let createPath: () => string;
  if (e.kind === 'process') {
    const id = index.idOf('project', e.project ?? '');
    if (id !== undefined) {
      const current = await about(entry, 'Cannot read', () => readProcess(client, id));
      target = { path: processPath(client, id), version: current.version };
    }
    createPath = () => processPath(client, requireId(index.idOf('project', e.project ?? ''), e));
  } else if (e.kind === 'channel') {
    const pid = index.idOf('project', e.project ?? '');
    const id = pid === undefined ? undefined : index.idOf('channel', e.name, pid);
    const current =
      id === undefined || pid === undefined ? undefined : channels.get(pid)?.find((c) => c.id === id);
    if (current !== undefined && pid !== undefined) {
      target = { path: client.spacePath('projects', pid, kind.plural, current.id), version: current.version };
    }
    createPath = () =>
      client.spacePath('projects', requireId(index.idOf('project', e.project ?? ''), e), kind.plural);
  } else {
    const id = index.idOf(e.kind, e.name);
    const current = space.resources.get(e.kind)?.find((x) => x.id === id);
    if (current !== undefined)
      target = { path: client.spacePath(kind.plural, current.id), version: current.version };
    createPath = () => client.spacePath(kind.plural);
  }

  if (target === undefined) {
    const run = async () => {
      if (e.kind === 'process') {
        // A new project's process exists, empty: replace it at the version it was created with.
        const path = createPath();
        const current = await client.get(path, z.looseObject({ version: z.number() }));
        await client.put(path, body, z.unknown(), { ifMatch: current.version });
        return;
      }
      if (e.kind === 'channel') {
        // A new project comes with the default channel the server made: the file's channel of that name updates it.
        const pid = requireId(index.idOf('project', e.project ?? ''), e);
        const made = (await readChannels(client, pid, index)).find(
          (c) => c.name.toLowerCase() === e.name.toLowerCase(),
        );
        if (made !== undefined) {
          await client.put(`${createPath()}/${encodeURIComponent(made.id)}`, body, z.unknown(), {
            ifMatch: made.version,
          });
          return;
        }
      }
      const created = await client.post(createPath(), body, itemSchema);
      index.add(
        e.kind,
        created.id,
        created.name,
        e.kind === 'channel' ? index.idOf('project', e.project ?? '') : undefined,
      );
    };
    return { entry, run };
  }
  const { path, version } = target;
  const run = () => client.put(path, body, z.unknown(), { ifMatch: version }).then(() => {});
  if (refs.length > 0) {
    const fields = [...new Set(refs.map((r) => String(r.path[0])))];
    return { entry: { ...entry, action: 'update', changedFields: fields, note: noteFor(refs) }, run };
  }
  const dry = await about(entry, 'Cannot compare', () =>
    client.put(path, body, dryRunSchema, { ifMatch: version, query: { dryRun: true } }),
  );
  if (!dry.changed) return { entry: { ...entry, action: 'unchanged' } };
  return { entry: { ...entry, action: 'update', changedFields: dry.changedFields }, run };
}

function requireId(id: string | undefined, e: DesiredEntity): string {
  if (id === undefined) {
    throw new SlipwayError('NOT_FOUND', `The project "${e.project ?? ''}" of ${e.path} does not exist.`);
  }
  return id;
}

async function planVariables(
  client: ConfigApi,
  space: SpaceState,
  set: DesiredVariableSet,
  pendingIn: PendingIn,
  noteFor: (refs: readonly ResourceRef[]) => string,
): Promise<PlannedStep> {
  const { index } = space;
  const what = set.owner === 'tenant' ? 'template values' : 'variables';
  const entry: PlanEntry = {
    action: 'create',
    kind: 'variables',
    what,
    owner: `${kindLabel(set.owner)} "${set.ownerName}"`,
    path: set.path,
    changedFields: [],
    counts: { added: set.input.length, updated: 0, removed: 0 },
  };
  const ownerId = index.idOf(set.owner, set.ownerName);
  const project = set.owner === 'project' ? set.ownerName : undefined;
  const refs = pendingIn(
    set.owner === 'tenant' ? set.parsed.flatMap(tenantVariableRefs) : set.parsed.flatMap(variableRefs),
    project,
  );
  if (ownerId === undefined) {
    // The owner is created by this apply: its set is empty until then.
    const run = async () => {
      const id = index.idOf(set.owner, set.ownerName);
      if (id === undefined) throw new SlipwayError('NOT_FOUND', `${entry.owner ?? ''} does not exist.`);
      const path = variablesPath(client, set.owner, id);
      const current = await client.get(path, z.looseObject({ variablesVersion: z.number() }));
      await client.put(path, set.input, variableChangeSchema, { ifMatch: current.variablesVersion });
    };
    return { entry, run };
  }
  const idOf = (ref: ResourceRef) =>
    index.idOf(
      ref.target,
      ref.value,
      ref.target === 'channel' ? index.idOf('project', project ?? '') : undefined,
    );
  let ids: (string | undefined)[];
  let version: number;
  if (set.owner === 'tenant') {
    const current = await about(entry, 'Cannot read', () => readTenantVariables(client, ownerId));
    ids = matchTenantVariables(set.parsed, current.items, idOf);
    version = current.variablesVersion;
  } else {
    const owner = set.owner;
    const current = await about(entry, 'Cannot read', () => readVariables(client, owner, ownerId));
    ids = matchVariables(set.parsed, current.items, idOf);
    version = current.variablesVersion;
  }
  const body = set.input.map((v, i) => {
    const id = ids[i];
    if (id === undefined && isSecretState(v.value)) {
      throw new SlipwayError(
        'INVALID_INPUT',
        `${set.path}[${i}].value: { set: true } keeps a stored value, but no stored variable has this name, type and scope; ` +
          'give the value (for example { env: NAME }).',
      );
    }
    return id === undefined ? v : { ...v, id };
  });
  const path = variablesPath(client, set.owner, ownerId);
  const run = () => client.put(path, body, variableChangeSchema, { ifMatch: version }).then(() => {});
  if (refs.length > 0) {
    // The server cannot count changes to variables scoped to things that do not exist yet.
    const { action: _create, counts: _counts, ...rest } = entry;
    return { entry: { ...rest, action: 'update', note: noteFor(refs) }, run };
  }
  const dry = await about(entry, 'Cannot compare', () =>
    client.put(path, body, variableChangeSchema, { ifMatch: version, query: { dryRun: true } }),
  );
  if (!dry.changed)
    return { entry: { ...entry, action: 'unchanged', counts: { added: 0, updated: 0, removed: 0 } } };
  return {
    entry: {
      ...entry,
      action: 'update',
      counts: { added: dry.added, updated: dry.updated, removed: dry.removed },
    },
    run,
  };
}
