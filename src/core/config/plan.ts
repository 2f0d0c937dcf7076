/**
 * The plan of `slipway apply`: one entry per entity of the file (create / update with the changed
 * fields / unchanged), in the order they are applied, and what became of each when applied.
 */
import type { EnvironmentCreate } from '../model/environment.js';
import type { RefTarget } from '../model/resource.js';
import type { EntityKind } from './config-file.js';

/** What apply does to one entity. */
export type PlanAction = 'create' | 'update' | 'unchanged';

/** What became of a planned entry: written, nothing to do, the write failed, or never reached. */
export type EntryOutcome = 'applied' | 'unchanged' | 'failed' | 'not-applied';

/** One line of the plan. */
export interface PlanEntry {
  action: PlanAction;
  /** The entity's kind; `variables` for a variable set (or a tenant's template values). */
  kind: EntityKind | 'variables';
  /** The kind in the user's words: `project`, `deployment process`, `variables`, `template values`. */
  what: string;
  /** The entity's name, when it has one of its own. */
  name?: string;
  /** What it belongs to: `project "web"` (channels, processes, variable sets). */
  owner?: string;
  /** Where it is in the file: `projects[0].channels[1]`. */
  path: string;
  /** For updates: the top-level fields that change (never their values). */
  changedFields: string[];
  /** For variable sets: how many variables are added, changed and removed (a create: added = all). */
  counts?: { added: number; updated: number; removed: number };
  /** Why the server could not compare it in advance (it refers to something this apply creates). */
  note?: string;
  /** Filled in when applied. */
  outcome?: EntryOutcome;
  /** The error of a failed entry. */
  error?: { code: string; message: string };
}

/** How many entries of each action. */
export interface PlanSummary {
  create: number;
  update: number;
  unchanged: number;
}

/** Counts the entries of each action. */
export function summarise(entries: readonly PlanEntry[]): PlanSummary {
  const s: PlanSummary = { create: 0, update: 0, unchanged: 0 };
  for (const e of entries) s[e.action]++;
  return s;
}

/** The environment fields a file sets (after defaults) and a stored environment has. */
export interface EnvironmentFields {
  name: string;
  description: string;
  sortOrder: number;
  guidedFailure: boolean;
}

/**
 * The fields of a stored environment the file changes, and the PATCH body that changes them.
 * sortOrder is compared only when the file gives it (otherwise the server keeps its order).
 */
export function environmentChanges(
  desired: EnvironmentCreate,
  current: EnvironmentFields,
): { fields: string[]; patch: Partial<EnvironmentFields> } {
  const patch: Partial<EnvironmentFields> = {};
  if (desired.name !== current.name) patch.name = desired.name;
  if (desired.description !== current.description) patch.description = desired.description;
  if (desired.sortOrder !== undefined && desired.sortOrder !== current.sortOrder) {
    patch.sortOrder = desired.sortOrder;
  }
  if (desired.guidedFailure !== current.guidedFailure) patch.guidedFailure = desired.guidedFailure;
  return { fields: Object.keys(patch), patch };
}

/**
 * Names the entities a plan creates, so that entities referring to them are known to change (the
 * server cannot compare a document naming something that does not exist yet). Channels are keyed
 * by their project.
 */
export class PendingNames {
  readonly #keys = new Set<string>();

  static #key(target: RefTarget, name: string, project?: string): string {
    return `${target}\u0000${target === 'channel' ? (project ?? '').toLowerCase() : ''}\u0000${name.toLowerCase()}`;
  }

  /** Records that `name` of `target` is created by this plan. */
  add(target: RefTarget, name: string, project?: string): void {
    this.#keys.add(PendingNames.#key(target, name, project));
  }

  /** True when `name` of `target` is created by this plan. */
  has(target: RefTarget, name: string, project?: string): boolean {
    return this.#keys.has(PendingNames.#key(target, name, project));
  }
}
