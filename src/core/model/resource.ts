/**
 * A resource kind describes one aggregate of the model (lifecycle, project, tenant, ...) once, as
 * data: its schema (the same at the API, in config files and at the store's door), where it lives
 * in URLs, which of its fields are secrets and which name other resources. The store, the API and
 * `slipway apply` are generic over this description, so adding a field is one schema change.
 */
import type { z } from 'zod';

/** Every kind stored as a resource document (environments have their own table). */
export const RESOURCE_KIND_NAMES = [
  'tag-set',
  'feed',
  'aws-account',
  'lifecycle',
  'library-set',
  'project',
  'channel',
  'process',
  'tenant',
  'ecs-target',
  'team',
] as const;

/** The name of a resource kind. */
export type ResourceKindName = (typeof RESOURCE_KIND_NAMES)[number];

/**
 * What a reference points at: a resource kind, an environment, a user (team members), or a tenant tag (`Set/Tag`, whose
 * in-use owner is the tag set).
 */
export type RefTarget = ResourceKindName | 'environment' | 'tag' | 'user';

/**
 * One reference inside a document. `value` is what the caller wrote: an id (`Lifecycles-...`) or a
 * name (ignoring case); the store checks it exists and rewrites it at `path` to the id (tags stay
 * `Set/Tag`). `path` is the field's location, e.g. `['phases', 0, 'automaticEnvironments', 1]`.
 */
export interface ResourceRef {
  path: readonly (string | number)[];
  target: RefTarget;
  value: string;
}

/** A secret field: a path from the document root; `*` matches every element of an array. */
export type SecretPath = readonly (string | '*')[];

/** The description of one resource kind. */
export interface ResourceKind<S extends z.ZodType = z.ZodType> {
  name: ResourceKindName;
  /** The kind in messages: `library variable set`. */
  label: string;
  /** The URL segment: `library-sets` (under `/api/spaces/{space}/` or, with a parent, under it). */
  plural: string;
  /** Id prefix: `LibrarySets` (ids are `LibrarySets-<uuid>`). */
  idPrefix: string;
  /** Nested under a project (`/projects/{projectId}/channels`); names are unique per parent. */
  parent?: 'project';
  /**
   * One per parent, read and replaced at `/projects/{projectId}/process` (no list, no create, no
   * delete; created with its parent and deleted with it).
   */
  singleton?: boolean;
  /** The whole document, with `name`; create and replace (PUT) both take it. */
  schema: S;
  /** Secret fields (see secret.ts): stored encrypted, read back as `{ set: boolean }`. */
  secretFields: readonly SecretPath[];
  /** The references in a (parsed) document, in document order. */
  refs(doc: z.output<S>): ResourceRef[];
  /**
   * Extra list filters: query parameter → the jsonb containment value matched with `data @> value`
   * (e.g. tenants' `tag=Set/Tag` → `{ "tags": ["Set/Tag"] }`).
   */
  listFilters?: Record<string, (value: string) => unknown>;
  /** Order in which `slipway apply` creates kinds (lower first), so references already exist. */
  applyOrder: number;
  /** Owns a set of variables at `<resource>/variables` (projects, library sets, tenants' values). */
  hasVariables?: boolean;
}

/** The kind in its own type, for inference at definition sites. */
export function defineKind<S extends z.ZodType>(kind: ResourceKind<S>): ResourceKind<S> {
  return kind;
}

/** A stored resource as repositories and the API return it (secret fields as `{ set }`). */
export interface Resource {
  id: string;
  spaceId: string;
  kind: ResourceKindName;
  /** The parent project's id for channels and processes. */
  parentId?: string;
  name: string;
  /** Grows by one with every change (optimistic concurrency; the ETag). */
  version: number;
  /** The document as validated, references as ids, secret fields as `{ set: boolean }`. */
  data: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}
