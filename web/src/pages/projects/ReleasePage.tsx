/**
 * A release: its packages and notes, its frozen variable snapshot ("Update variables"), where the
 * lifecycle lets it go now (Deploy / Promote / Redeploy per environment, disabled with the
 * lifecycle's reason), its deployments per environment and tenant, and the deploy form
 * (`?deploy=<environment>` opens it, so it has a deep link and the back button closes it).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { request, spacePath, withQuery } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { Button } from '../../components/Button.js';
import { EmptyState, Loading, PageHeader, StateBadge, Time } from '../../components/common.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { ProjectTabs } from '../../components/ProjectTabs.js';
import {
  refreshReleases,
  useChannels,
  useDeployments,
  useEnvironments,
  useProject,
  useTenants,
} from './api.js';
import { DeployForm } from './DeployForm.js';
import { DeploymentLinks } from './DeploymentLinks.js';
import { isFinal } from '../../lib/states.js';
import type { DeploymentView, PageOf, ProgressionView, ReleaseView } from './model.js';
import {
  actionLabel,
  environmentActions,
  groupDeployments,
  type EnvironmentAction,
} from './release-logic.js';

/** A dashboard item (GET /dashboard?project=): the latest deployment per environment × tenant. */
interface DashboardItem {
  environmentId: string;
  tenantId?: string;
  releaseId: string;
  state: string;
}

/** See the module comment. */
export function ReleasePage() {
  const space = useSpace();
  const { project: projectParam = '', version = '' } = useParams();
  usePageTitle(`Release ${version}`);
  const [params, setParams] = useSearchParams();
  const { can } = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const project = useProject(space, projectParam);
  const projectId = project.data?.id;
  const releaseQuery = useApi<PageOf<ReleaseView>>(
    projectId === undefined
      ? undefined
      : withQuery(spacePath(space, 'releases'), { project: projectId, version }),
  );
  const release = releaseQuery.data?.items[0];
  const progressionPath = release ? spacePath(space, 'releases', release.id, 'progression') : undefined;
  const deployments = useDeployments(space, projectId, release?.id);
  const progression = useApi<ProgressionView>(progressionPath, {
    // The lifecycle moves as deployments finish.
    refetchInterval: deployments.data?.items.some((d) => !isFinal(d.state)) ? 2000 : false,
  });
  const dashboard = useApi<{ items: DashboardItem[] }>(
    projectId === undefined ? undefined : withQuery(spacePath(space, 'dashboard'), { project: projectId }),
  );
  const environments = useEnvironments(space);
  const tenants = useTenants(space);
  const channels = useChannels(space, projectParam);
  const channelName = channels.data?.items.find((c) => c.id === release?.channelId)?.name;

  const mayRelease = projectId
    ? can(space, 'release.create', { projectId })
    : { allowed: false, reason: 'Loading…' };
  const updateVariables = useMutation({
    mutationFn: () =>
      request<ReleaseView>('POST', spacePath(space, 'releases', release?.id ?? '', 'snapshot-variables')),
    onSuccess: () => refreshReleases(client, space),
  });

  const promote = useMutation({
    mutationFn: async (action: EnvironmentAction) => {
      const from = action.from;
      const current = dashboard.data?.items.find(
        (i) => i.environmentId === from?.id && i.tenantId === undefined,
      );
      // The promote route deploys the release that is current in `from`: only when that is this one.
      const answer =
        from && current?.releaseId === release?.id && current?.state === 'success'
          ? await request<{ items: DeploymentView[] }>('POST', spacePath(space, 'deployments', 'promote'), {
              body: { project: projectId, from: from.id, to: action.environment.id },
            })
          : await request<{ items: DeploymentView[] }>('POST', spacePath(space, 'deployments'), {
              body: { release: release?.id, environment: action.environment.id },
            });
      return answer.data.items;
    },
    onSuccess: async (items) => {
      await refreshReleases(client, space);
      const [only] = items;
      if (items.length === 1 && only) await navigate(paths.deployment(space, only.id));
    },
  });

  if (project.error || releaseQuery.error)
    return <ErrorMessage error={project.error ?? releaseQuery.error} />;
  if (!release || !project.data) return <Loading what="Loading the release" />;

  const deploying = params.get('deploy');
  const actions = progression.data ? environmentActions(progression.data, deployments.data?.items ?? []) : [];
  const deployReason = (envId?: string) => {
    const allowed = can(space, 'deployment.create', {
      projectId: release.projectId,
      ...(envId ? { environmentId: envId } : {}),
    });
    return allowed.allowed ? undefined : allowed.reason;
  };
  const groups = groupDeployments(
    deployments.data?.items ?? [],
    progression.data?.phases.flatMap((p) => p.environments) ?? environments.data?.items ?? [],
    tenants.data?.items ?? [],
  );
  const openDeploy = (environment: string) => setParams({ deploy: environment });

  return (
    <>
      <PageHeader
        title={`Release ${release.version}`}
        subtitle={
          <>
            <Link to={paths.project(space, projectParam)}>{project.data.name}</Link>
            {channelName ? ` · channel ${channelName}` : ''} · created by {release.createdBy}{' '}
            <Time iso={release.createdAt} />
          </>
        }
        actions={
          deploying === null ? (
            <Button variant="primary" onClick={() => openDeploy('')} disabledReason={deployReason()}>
              Deploy…
            </Button>
          ) : undefined
        }
      />
      <ProjectTabs space={space} project={projectParam} />
      {deploying !== null ? (
        <DeployForm
          project={project.data}
          release={release}
          environment={deploying}
          actions={actions}
          onClose={() => setParams({})}
        />
      ) : null}

      <div className="release-grid">
        <section className="card" aria-labelledby="packages-title">
          <h2 id="packages-title">Packages</h2>
          {release.packages.length === 0 ? (
            <p className="muted">This release deploys no packages.</p>
          ) : (
            <table className="table plain-rows">
              <thead>
                <tr>
                  <th scope="col">Package</th>
                  <th scope="col">Step</th>
                  <th scope="col">Image</th>
                  <th scope="col">Version</th>
                </tr>
              </thead>
              <tbody>
                {release.packages.map((p) => (
                  <tr key={`${p.step}/${p.package}`}>
                    <td>{p.package}</td>
                    <td>{p.step}</td>
                    <td className="mono">{p.image}</td>
                    <td className="mono">
                      {p.package}:{p.version}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="card" aria-labelledby="notes-title">
          <h2 id="notes-title">Notes</h2>
          {release.notes ? (
            <p className="release-notes">{release.notes}</p>
          ) : (
            <p className="muted">No notes.</p>
          )}
        </section>
        <section className="card" aria-labelledby="variables-title">
          <h2 id="variables-title">Variables</h2>
          <p>
            Deployments of this release use the variables frozen when it was created (snapshot{' '}
            {release.variablesSnapshotVersion}). Update them to take the project’s current variables.
          </p>
          {updateVariables.isSuccess ? (
            <p className="notice notice-success" role="status">
              Variables updated: snapshot {release.variablesSnapshotVersion}.
            </p>
          ) : null}
          <ErrorMessage error={updateVariables.error} />
          <Button
            onClick={() => updateVariables.mutate()}
            busy={updateVariables.isPending}
            disabledReason={mayRelease.allowed ? undefined : mayRelease.reason}
          >
            Update variables
          </Button>
        </section>
      </div>

      <section aria-labelledby="lifecycle-title">
        <h2 id="lifecycle-title">Lifecycle</h2>
        <ErrorMessage error={progression.error ?? promote.error} />
        {promote.data && promote.data.length > 1 ? (
          <DeploymentLinks
            space={space}
            items={promote.data}
            label={(d) =>
              `${tenants.data?.items.find((t) => t.id === d.tenantId)?.name ?? 'Untenanted'} in ${
                actions.find((a) => a.environment.id === d.environmentId)?.environment.name ?? d.environmentId
              }`
            }
          />
        ) : null}
        {progression.isPending ? <Loading what="Reading the lifecycle" /> : null}
        <div className="table-wrap">
          <table className="table plain-rows">
            <caption className="visually-hidden">Where this release may go now</caption>
            <thead>
              <tr>
                <th scope="col">Phase</th>
                <th scope="col">Environment</th>
                <th scope="col">This release there</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {actions.map((a) => {
                const noPermission = deployReason(a.environment.id);
                const reason = a.disabledReason ?? noPermission;
                const label = actionLabel(a);
                return (
                  <tr key={a.environment.id}>
                    <td>{a.phase}</td>
                    <th scope="row">
                      {a.environment.name}
                      {a.environment.automatic ? <span className="muted"> (automatic)</span> : null}
                    </th>
                    <td>
                      {a.latest ? (
                        <>
                          <StateBadge state={a.latest.state} /> <Time iso={a.latest.createdAt} />
                        </>
                      ) : (
                        <span className="muted">Not deployed</span>
                      )}
                    </td>
                    <td>
                      <Button
                        variant={a.kind === 'redeploy' ? 'secondary' : 'primary'}
                        disabledReason={reason}
                        busy={promote.isPending && promote.variables?.environment.id === a.environment.id}
                        onClick={() =>
                          a.kind === 'promote' ? promote.mutate(a) : openDeploy(a.environment.name)
                        }
                      >
                        {label}
                      </Button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="deployments-title">
        <h2 id="deployments-title">Deployments</h2>
        <ErrorMessage error={deployments.error} />
        {deployments.data && deployments.data.items.length === 0 ? (
          <EmptyState title="Not deployed yet.">
            <p>Deploy it to the lifecycle’s first environment with the buttons above.</p>
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table plain-rows">
              <caption className="visually-hidden">
                Deployments of this release per environment and tenant
              </caption>
              <thead>
                <tr>
                  <th scope="col">Environment</th>
                  <th scope="col">Tenant</th>
                  <th scope="col">State</th>
                  <th scope="col">When</th>
                  <th scope="col">By</th>
                  <th scope="col">
                    <span className="visually-hidden">Link</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {groups.flatMap((g) =>
                  g.tenants.flatMap((t) =>
                    t.deployments.map((d, i) => (
                      <tr key={d.id} className={i > 0 ? 'older' : undefined}>
                        <td>{g.environmentName}</td>
                        <td>{t.tenantName || <span className="muted">Untenanted</span>}</td>
                        <td>
                          <StateBadge state={d.state} />
                        </td>
                        <td>
                          <Time iso={d.createdAt} />
                        </td>
                        <td>{d.createdBy}</td>
                        <td>
                          <Link to={paths.deployment(space, d.id)}>
                            View deployment<span className="visually-hidden"> {d.id}</span>
                          </Link>
                        </td>
                      </tr>
                    )),
                  ),
                )}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
