/**
 * The project pages' own logic, pure: which tag a package starts with, the query that asks the
 * release plan for the chosen versions, deployments grouped by environment and tenant, what a
 * release's lifecycle lets each environment do now (deploy, redeploy, promote, or why not), and
 * the tenant selection of the deploy form.
 */
import type {
  DeploymentView,
  PlanPackage,
  ProgressionEnvironment,
  ProgressionView,
  TenantView,
} from './model.js';

/** The key of a package reference in the form's choices. */
export function packageKey(p: { step: string; package: string }): string {
  return `${p.step}/${p.package}`;
}

/**
 * The tag a package's picker shows: the user's choice while it is still on offer, else the newest
 * the channel allows (what the server would pick), else the first listed, else ''.
 */
export function pickTag(pkg: PlanPackage, chosen: string | undefined): string {
  if (chosen !== undefined && pkg.tags.some((t) => t.tag === chosen)) return chosen;
  return pkg.newest ?? pkg.tags[0]?.tag ?? '';
}

/** The chosen versions as the API takes them (`Step/package:version`), skipping empty ones. */
export function packageVersions(packages: readonly PlanPackage[], chosen: Record<string, string>): string[] {
  return packages.flatMap((p) => {
    const tag = pickTag(p, chosen[packageKey(p)]);
    return tag === '' ? [] : [`${p.step}/${p.package}:${tag}`];
  });
}

/** Deployments of one environment: per tenant ('' = untenanted), newest first. */
export interface EnvironmentDeployments {
  environmentId: string;
  environmentName: string;
  tenants: { tenantId: string; tenantName: string; deployments: DeploymentView[] }[];
}

/**
 * `deployments` grouped by environment (in `environments` order; unknown ones last, by id) and
 * within each by tenant (untenanted first, then by tenant name), each group newest first.
 */
export function groupDeployments(
  deployments: readonly DeploymentView[],
  environments: readonly { id: string; name: string }[],
  tenants: readonly { id: string; name: string }[],
): EnvironmentDeployments[] {
  const envOrder = new Map(environments.map((e, i) => [e.id, i]));
  const envName = new Map(environments.map((e) => [e.id, e.name]));
  const tenantName = new Map(tenants.map((t) => [t.id, t.name]));
  const byEnv = new Map<string, Map<string, DeploymentView[]>>();
  for (const d of deployments) {
    const env = byEnv.get(d.environmentId) ?? new Map<string, DeploymentView[]>();
    byEnv.set(d.environmentId, env);
    const key = d.tenantId ?? '';
    env.set(key, [...(env.get(key) ?? []), d]);
  }
  const rank = (id: string) => envOrder.get(id) ?? Number.MAX_SAFE_INTEGER;
  return [...byEnv.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([environmentId, groups]) => ({
      environmentId,
      environmentName: envName.get(environmentId) ?? environmentId,
      tenants: [...groups.entries()]
        .map(([tenantId, list]) => ({
          tenantId,
          tenantName: tenantId === '' ? '' : (tenantName.get(tenantId) ?? tenantId),
          deployments: [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
        }))
        .sort((a, b) =>
          a.tenantId === '' ? -1 : b.tenantId === '' ? 1 : a.tenantName.localeCompare(b.tenantName),
        ),
    }));
}

/** The newest deployment of a release per environment (untenanted or any tenant), by environment id. */
export function latestPerEnvironment(deployments: readonly DeploymentView[]): Map<string, DeploymentView> {
  const out = new Map<string, DeploymentView>();
  for (const d of deployments) {
    const seen = out.get(d.environmentId);
    if (!seen || d.createdAt > seen.createdAt) out.set(d.environmentId, d);
  }
  return out;
}

/** What the release page offers for one environment of the lifecycle. */
export interface EnvironmentAction {
  environment: ProgressionEnvironment;
  phase: string;
  /**
   * `redeploy` when this release was deployed there before; `promote` when it succeeded
   * (untenanted) in an earlier environment, from the last of those (`from`); else `deploy`.
   */
  kind: 'deploy' | 'redeploy' | 'promote';
  from?: { id: string; name: string } | undefined;
  /** Why not now (the lifecycle's reason), or undefined when allowed. */
  disabledReason?: string | undefined;
  /** The newest deployment of the release there, if any. */
  latest?: DeploymentView | undefined;
}

/** Every environment of the release's lifecycle, in phase order, with what may be done there now. */
export function environmentActions(
  progression: ProgressionView,
  deployments: readonly DeploymentView[],
): EnvironmentAction[] {
  const latest = latestPerEnvironment(deployments);
  const succeeded = new Set(
    deployments.filter((d) => d.tenantId === undefined && d.state === 'success').map((d) => d.environmentId),
  );
  let from: { id: string; name: string } | undefined;
  return progression.phases.flatMap((phase) =>
    phase.environments.map((environment) => {
      const last = latest.get(environment.id);
      const action: EnvironmentAction = {
        environment,
        phase: phase.name,
        kind: last ? 'redeploy' : from ? 'promote' : 'deploy',
        from: last ? undefined : from,
        disabledReason: environment.allowed
          ? undefined
          : (environment.reason ?? `The lifecycle does not allow ${environment.name} yet.`),
        latest: last,
      };
      if (succeeded.has(environment.id)) from = { id: environment.id, name: environment.name };
      return action;
    }),
  );
}

/** The button's words for an action: "Deploy to Dev", "Promote to Prod", "Redeploy to Test". */
export function actionLabel(action: EnvironmentAction): string {
  const verb = action.kind === 'redeploy' ? 'Redeploy' : action.kind === 'promote' ? 'Promote' : 'Deploy';
  return `${verb} to ${action.environment.name}`;
}

/**
 * The tenants a tag selection picks (docs/releases.md, Tenants): for every tag set named, at least
 * one of its requested tags; only tenants connected to the project in the environment.
 */
export function tenantsByTags(
  tenants: readonly TenantView[],
  tags: readonly string[],
  projectId: string,
  environmentId: string,
): TenantView[] {
  if (tags.length === 0) return [];
  const bySet = new Map<string, Set<string>>();
  for (const tag of tags) {
    const set = tag.slice(0, tag.indexOf('/')).toLowerCase();
    bySet.set(set, (bySet.get(set) ?? new Set()).add(tag.toLowerCase()));
  }
  return tenants.filter((t) => {
    if (!isConnected(t, projectId, environmentId)) return false;
    const own = new Set((t.tags ?? []).map((x) => x.toLowerCase()));
    return [...bySet.values()].every((wanted) => [...wanted].some((w) => own.has(w)));
  });
}

/** True when the tenant is connected to the project in the environment. */
export function isConnected(tenant: TenantView, projectId: string, environmentId: string): boolean {
  return (tenant.projects ?? []).some(
    (p) => p.project === projectId && p.environments.includes(environmentId),
  );
}

/** "Success in Dev, Running in Test" style counts of a release's latest states, for a summary. */
export function stateCounts(deployments: readonly DeploymentView[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of deployments) out[d.state] = (out[d.state] ?? 0) + 1;
  return out;
}
