/**
 * Builds what a deployment is about (DeploymentFacts) from the store: the release and its process
 * snapshot, project, environment, channel, tenant, the ECS targets of the environment and the
 * registry host of each feed the release uses; plus the frozen variables and the tenant's values.
 */
import type { AmbientAws } from '../aws/account-credentials.js';
import { createAwsClients } from '../aws/clients.js';
import type { DeploymentFacts, ProcessStep, TargetInfo } from '../core/deployments/index.js';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import type { Deployment } from '../core/model/release.js';
import type { Resource } from '../core/model/resource.js';
import { parseRegistryUrl } from '../feeds/index.js';
import { awsAccountCredentials } from '../store/aws-credentials.js';
import type { Store } from '../store/database.js';
import { environmentsRepository } from '../store/environments.js';
import { releasesRepository } from '../store/releases.js';
import { resourcesRepository } from '../store/resources.js';
import type { SecretBox } from '../store/secrets.js';
import { variablesRepository } from '../store/variables.js';
import {
  tenantTemplateValues,
  type TenantTemplate,
  type TenantValues,
} from '../core/variables/tenant-values.js';
import type { DeploymentInputs } from './runner-deps.js';

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** An ecs-target resource as the planner sees it. */
export function targetInfo(resource: Resource): TargetInfo {
  const d = resource.data;
  const participation = str(d.tenantedParticipation, 'untenanted');
  const role = d.assumeRole as
    { roleArn: string; externalId?: string; sessionDurationSeconds?: number } | undefined;
  return {
    id: resource.id,
    name: resource.name,
    roles: strings(d.roles),
    environments: strings(d.environments),
    tenantedParticipation:
      participation === 'tenanted' || participation === 'both' ? participation : 'untenanted',
    tenants: strings(d.tenants),
    tenantTags: strings(d.tenantTags),
    ...(typeof d.awsAccount === 'string' ? { awsAccount: d.awsAccount } : {}),
    region: str(d.region),
    cluster: str(d.cluster),
    ...(role ? { assumeRole: role } : {}),
  };
}

/** Every ECS cluster target of an environment. */
export async function environmentTargets(
  store: Store,
  secrets: SecretBox,
  spaceId: string,
  environmentId: string,
): Promise<TargetInfo[]> {
  const repo = resourcesRepository(store.db, secrets, RESOURCE_KINDS['ecs-target']);
  const out: TargetInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await repo.list(spaceId, {
      limit: 500,
      ...(cursor ? { cursor } : {}),
      environment: environmentId,
    });
    out.push(...page.items.map(targetInfo));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** The registry host of a feed (`registry.example.com:5000`, `<account>.dkr.ecr.<region>.amazonaws.com`). */
async function registryHost(
  store: Store,
  secrets: SecretBox,
  feed: Resource,
  ambient: AmbientAws,
): Promise<string | undefined> {
  const d = feed.data;
  if (d.type === 'docker') return parseRegistryUrl(str(d.url)).registryHost;
  if (d.type !== 'ecr') return undefined;
  const account = typeof d.awsAccount === 'string' ? d.awsAccount : undefined;
  const credentials = await awsAccountCredentials(store.db, secrets, feed.spaceId, account, ambient);
  const clients = createAwsClients({
    region: str(d.region),
    credentials,
    ...(ambient.endpoint ? { endpoint: ambient.endpoint } : {}),
  });
  try {
    return `${await clients.accountId()}.dkr.ecr.${str(d.region)}.amazonaws.com`;
  } finally {
    clients.destroy();
  }
}

/** Reads everything a deployment's run needs from the store. */
export async function loadDeploymentInputs(
  store: Store,
  secrets: SecretBox,
  ambient: AmbientAws,
  deployment: Deployment,
): Promise<DeploymentInputs> {
  const spaceId = deployment.spaceId;
  const resources = (kind: keyof typeof RESOURCE_KINDS) =>
    resourcesRepository(store.db, secrets, RESOURCE_KINDS[kind]);
  const releases = releasesRepository(store.db, secrets);
  const [release, project, environment, channel, snapshot, targets] = await Promise.all([
    releases.get(spaceId, deployment.releaseId),
    resources('project').get(spaceId, deployment.projectId),
    environmentsRepository(store.db).get(spaceId, deployment.environmentId),
    resources('channel').get(spaceId, deployment.channelId),
    releases.variables(spaceId, deployment.releaseId),
    environmentTargets(store, secrets, spaceId, deployment.environmentId),
  ]);
  const tenant = deployment.tenantId
    ? await resources('tenant').get(spaceId, deployment.tenantId)
    : undefined;
  const registries: Record<string, string> = {};
  for (const feedId of new Set(release.packages.map((p) => p.feedId))) {
    const feed = await resources('feed').get(spaceId, feedId);
    const host = await registryHost(store, secrets, feed, ambient);
    if (host) registries[feedId] = host;
  }
  let tenantValues: Record<string, string> = {};
  let sensitiveTenantValues: string[] = [];
  if (tenant) {
    const librarySets = await Promise.all(
      strings(project.data.librarySets).map((id) => resources('library-set').find(spaceId, id)),
    );
    ({ values: tenantValues, sensitive: sensitiveTenantValues } = await loadTenantValues(store, secrets, {
      spaceId,
      project,
      librarySets,
      tenantId: tenant.id,
      environmentId: deployment.environmentId,
    }));
  }
  const process = release.processSnapshot as { steps?: ProcessStep[] };
  const facts: DeploymentFacts = {
    deploymentId: deployment.id,
    deploymentName: `${project.name} ${release.version} to ${environment.name}${tenant ? ` for ${tenant.name}` : ''}`,
    createdBy: deployment.createdBy,
    project: {
      id: project.id,
      name: project.name,
      ...(typeof project.data.slug === 'string' ? { slug: project.data.slug } : {}),
    },
    environment: { id: environment.id, name: environment.name },
    release: {
      id: release.id,
      version: release.version,
      notes: release.notes,
      channel: { id: channel.id, name: channel.name },
    },
    ...(tenant ? { tenant: { id: tenant.id, name: tenant.name, tags: strings(tenant.data.tags) } } : {}),
    process: { steps: process.steps ?? [] },
    packages: release.packages,
    registries,
    skippedSteps: deployment.skippedSteps,
    targets,
  };
  return { facts, snapshot, tenantValues, sensitiveTenantValues };
}

/** Where a tenant's template values are read for. */
export interface TenantValuesScope {
  spaceId: string;
  project: Resource;
  /** The project's library sets (undefined: one that is gone). */
  librarySets: (Resource | undefined)[];
  tenantId: string;
  environmentId: string;
}

/**
 * A tenant's values for the templates of a project and its library sets in one environment, its
 * stored values revealed (core/variables/tenant-values.ts decides defaults and sensitivity). Used by
 * deployments, the CloudFormation export and the variable preview alike.
 */
export async function loadTenantValues(
  store: Store,
  secrets: SecretBox,
  scope: TenantValuesScope,
): Promise<TenantValues> {
  const templates = [scope.project, ...scope.librarySets].flatMap((r) =>
    Array.isArray(r?.data.templates) ? (r.data.templates as TenantTemplate[]) : [],
  );
  const set = await variablesRepository(store.db, secrets).revealTenantValues(scope.spaceId, scope.tenantId);
  return tenantTemplateValues(templates, set, scope.project.id, scope.environmentId);
}
