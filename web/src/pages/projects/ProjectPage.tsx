/**
 * A project's overview: its releases, newest first, each with its progress through the
 * lifecycle's phases (what ran in each environment, what is allowed next and why not), and the
 * "Create release" action.
 */
import { Link, useParams } from 'react-router';
import { spacePath } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { EmptyState, Loading, PageHeader, StateBadge, Time } from '../../components/common.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { ProjectTabs } from '../../components/ProjectTabs.js';
import { useDeployments, useProject, useReleases } from './api.js';
import { LinkButton } from './LinkButton.js';
import type { DeploymentView, ProgressionView, ReleaseView } from './model.js';
import { latestPerEnvironment } from './release-logic.js';

/** See the module comment. */
export function ProjectPage() {
  const space = useSpace();
  const projectParam = useParams().project ?? '';
  const { can } = useSession();
  const project = useProject(space, projectParam);
  usePageTitle(project.data?.name ?? projectParam);
  const releases = useReleases(space, project.data?.id, 20);
  const deployments = useDeployments(space, project.data?.id);
  const mayRelease = project.data
    ? can(space, 'release.create', { projectId: project.data.id })
    : { allowed: false, reason: 'Loading…' };
  const disabledReason = project.data?.disabled
    ? 'This project is disabled: enable it before creating releases.'
    : mayRelease.allowed
      ? undefined
      : mayRelease.reason;
  const create = (
    <LinkButton to={paths.newRelease(space, projectParam)} variant="primary" disabledReason={disabledReason}>
      Create release
    </LinkButton>
  );

  return (
    <>
      <PageHeader
        title={project.data?.name ?? projectParam}
        subtitle={project.data?.description || undefined}
        actions={create}
      />
      <ProjectTabs space={space} project={projectParam} />
      <ErrorMessage error={project.error ?? releases.error ?? deployments.error} />
      <h2>Releases</h2>
      {project.isPending || releases.isPending ? (
        <Loading what="Loading releases" />
      ) : releases.data && releases.data.items.length === 0 ? (
        <EmptyState title="No releases yet.">
          <p>Create one from the feed’s newest image: {create}</p>
        </EmptyState>
      ) : (
        <ul className="release-list">
          {releases.data?.items.map((r) => (
            <ReleaseRow
              key={r.id}
              space={space}
              project={projectParam}
              release={r}
              deployments={(deployments.data?.items ?? []).filter((d) => d.releaseId === r.id)}
            />
          ))}
        </ul>
      )}
    </>
  );
}

/** One release with its lifecycle progress: every phase's environments and their state. */
function ReleaseRow({
  space,
  project,
  release,
  deployments,
}: {
  space: string;
  project: string;
  release: ReleaseView;
  deployments: DeploymentView[];
}) {
  const progression = useApi<ProgressionView>(spacePath(space, 'releases', release.id, 'progression'));
  const latest = latestPerEnvironment(deployments);
  const tenantCount = (envId: string) =>
    new Set(deployments.filter((d) => d.environmentId === envId && d.tenantId).map((d) => d.tenantId)).size;
  return (
    <li className="card release-row">
      <div className="release-row-head">
        <h3>
          <Link to={paths.release(space, project, release.version)}>Release {release.version}</Link>
        </h3>
        <span className="muted">
          {release.packages.map((p) => `${p.package}:${p.version}`).join(', ')} · by {release.createdBy}{' '}
          <Time iso={release.createdAt} />
        </span>
      </div>
      {progression.error ? <ErrorMessage error={progression.error} /> : null}
      {progression.data ? (
        <ol className="phases" aria-label={`Lifecycle progress of ${release.version}`}>
          {progression.data.phases.map((phase) => (
            <li key={phase.name} className="phase">
              <span className="phase-name">
                {phase.name}
                {phase.optional ? <span className="muted"> (optional)</span> : null}
              </span>
              <ul>
                {phase.environments.map((env) => {
                  const d = latest.get(env.id);
                  const tenants = tenantCount(env.id);
                  return (
                    <li key={env.id} className="phase-env">
                      <span className="phase-env-name">{env.name}</span>{' '}
                      {d ? (
                        <Link
                          to={paths.deployment(space, d.id)}
                          aria-label={`${env.name}: ${d.state}, view deployment`}
                        >
                          <StateBadge state={d.state} />
                        </Link>
                      ) : env.allowed ? (
                        <span className="badge tone-neutral">Ready{env.automatic ? ' (automatic)' : ''}</span>
                      ) : (
                        <span className="muted" title={env.reason}>
                          Not yet
                        </span>
                      )}
                      {tenants > 0 ? (
                        <span className="muted">
                          {' '}
                          {tenants} tenant{tenants === 1 ? '' : 's'}
                        </span>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            </li>
          ))}
        </ol>
      ) : null}
    </li>
  );
}
