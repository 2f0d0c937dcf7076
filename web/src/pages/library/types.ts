/** The library's resources as the API answers them (docs/api.md, Environments and Resources). */

/** `{ items, nextCursor }` of a list. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** The fields every resource has. */
export interface ResourceBase {
  id: string;
  spaceId: string;
  name: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** GET /environments/{id}. */
export interface EnvironmentJson extends ResourceBase {
  description: string;
  sortOrder: number;
  guidedFailure: boolean;
}

/** How many releases a lifecycle or phase keeps. */
export type Retention = { keep: 'all' } | { keep: 'count'; count: number } | { keep: 'days'; days: number };

/** A lifecycle phase as stored (environments by id). */
export interface PhaseJson {
  name: string;
  automaticEnvironments: string[];
  manualEnvironments: string[];
  minimumEnvironmentsBeforePromotion: number;
  optional: boolean;
  retention?: Retention;
}

/** GET /lifecycles/{id}. */
export interface LifecycleJson extends ResourceBase {
  description: string;
  phases: PhaseJson[];
  retention: Retention;
}

/** A channel's version rule. */
export interface RuleJson {
  packages: { step: string; package: string }[];
  versionRange?: string;
  preReleaseTag?: string;
}

/** GET /projects/{p}/channels/{id}. */
export interface ChannelJson extends ResourceBase {
  projectId: string;
  description: string;
  lifecycle?: string;
  isDefault: boolean;
  rules: RuleJson[];
  tenantTags: string[];
}

/** A tenant's connection to a project. */
export interface ConnectionJson {
  project: string;
  environments: string[];
}

/** GET /tenants/{id}. */
export interface TenantJson extends ResourceBase {
  description: string;
  tags: string[];
  projects: ConnectionJson[];
}

/** A tag of a tag set. */
export interface TagJson {
  name: string;
  color: string;
  description: string;
}

/** GET /tag-sets/{id}. */
export interface TagSetJson extends ResourceBase {
  description: string;
  tags: TagJson[];
}

/** A secret field as read: never the value. */
export interface SecretState {
  set: boolean;
}

/** GET /feeds/{id}. */
export type FeedJson = ResourceBase & { description: string } & (
    | { type: 'docker'; url: string; username?: string; password?: SecretState }
    | { type: 'ecr'; region: string; awsAccount?: string }
  );

/** GET /projects/{id} (the fields the library uses). */
export interface ProjectJson extends ResourceBase {
  lifecycle?: string;
  tenantedMode?: string;
}

/** A package reference of a step (the process). */
export interface PackageRefJson {
  name: string;
  feed: string;
  image: string;
}

/** GET /projects/{p}/process (the fields the channel editor uses). */
export interface ProcessJson {
  steps: { name: string; action: { type: string; packages?: PackageRefJson[] } }[];
}

/** POST /feeds/{id}/tags/match. */
export interface TagMatchJson {
  items: { tag: string; version: string | null; matches: boolean }[];
  newest: string | null;
  matched: number;
  total: number;
}

/** GET /feeds/{id}/tags. */
export interface FeedTagsJson {
  items: { tag: string; version: string }[];
  otherTags: string[];
}
