/**
 * The shapes the project pages read from the API (docs/api.md: resources, Releases, Deployments and
 * the release plan), as far as these pages use them. DOM-free, so the pure logic's tests import it.
 */

/** A project resource (flat: the document's fields beside id, name, version...). */
export interface ProjectView {
  id: string;
  name: string;
  description?: string;
  lifecycle: string;
  tenantedMode?: 'untenanted' | 'tenanted' | 'both';
  versionTemplate?: string;
  disabled?: boolean;
  version: number;
}

/** A named resource (lifecycle, channel, tenant, environment...). */
export interface Named {
  id: string;
  name: string;
}

/** A channel of a project. */
export interface ChannelView extends Named {
  isDefault?: boolean;
  description?: string;
}

/** A tenant with its tags and connections. */
export interface TenantView extends Named {
  tags?: string[];
  projects?: { project: string; environments: string[] }[];
}

/** A tag set. */
export interface TagSetView extends Named {
  tags: { name: string }[];
}

/** A page of a list route. */
export interface PageOf<T> {
  items: T[];
  nextCursor?: string;
}

/** A release. */
export interface ReleaseView {
  id: string;
  projectId: string;
  channelId: string;
  version: string;
  notes: string;
  packages: { step: string; package: string; feedId: string; image: string; version: string }[];
  processSnapshot: { steps?: { name: string; required?: boolean; disabled?: boolean }[] };
  createdBy: string;
  createdAt: string;
  variablesSnapshotVersion: number;
}

/** A deployment. */
export interface DeploymentView {
  id: string;
  projectId: string;
  releaseId: string;
  environmentId: string;
  tenantId?: string;
  state: string;
  createdBy: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
  comments?: string;
}

/** One environment of a phase in GET /releases/{id}/progression. */
export interface ProgressionEnvironment {
  id: string;
  name: string;
  automatic: boolean;
  allowed: boolean;
  reason?: string;
}

/** GET /releases/{id}/progression. */
export interface ProgressionView {
  phases: { name: string; optional: boolean; required: number; environments: ProgressionEnvironment[] }[];
  allowed: string[];
  automatic: string[];
}

/** One package of GET /projects/{project}/release-plan. */
export interface PlanPackage {
  step: string;
  package: string;
  feedId: string;
  feedName: string;
  image: string;
  rule?: string;
  tags: { tag: string; version: string }[];
  newest?: string;
  problem?: string;
}

/** GET /projects/{project}/release-plan. */
export interface ReleasePlanView {
  channel: Named;
  packages: PlanPackage[];
  versionTemplate: string;
  version?: string;
  versionProblem?: string;
}

/** A project variable (GET /projects/{project}/variables). */
export interface VariableView {
  id: string;
  name: string;
  type: string;
  description?: string;
  prompt?: {
    label: string;
    description?: string;
    required: boolean;
    control: 'single-line' | 'multi-line' | 'checkbox' | 'select';
    options?: Record<string, string>;
  };
}
