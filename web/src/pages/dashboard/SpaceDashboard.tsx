/**
 * The space dashboard: projects × environments, each cell the latest release there with its state,
 * when and by whom, linking to the deployment; live (polls fast while something runs). On a phone
 * the table folds into one list per project (dashboard.css).
 */
import { Link } from 'react-router';
import { spacePath } from '../../api/client.js';
import { paths } from '../../app/paths.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { EmptyState, Loading, PageHeader } from '../../components/common.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { stateLook } from '../../lib/states.js';
import { DeploymentSummary } from './DeploymentSummary.js';
import { buildSpaceGrid, LIVE_INTERVAL_MS, tenantSummary } from './grid.js';
import type { Dashboard } from './types.js';

/** The page at /spaces/:space. */
export function SpaceDashboard() {
  const space = useSpace();
  usePageTitle('Dashboard');
  const query = useApi<Dashboard>(spacePath(space, 'dashboard'), {
    refetchInterval: LIVE_INTERVAL_MS,
  });
  const header = <PageHeader title="Dashboard" subtitle={`What runs where in ${space}`} />;
  if (query.isPending)
    return (
      <>
        {header}
        <Loading what="Loading the dashboard" />
      </>
    );
  if (query.isError)
    return (
      <>
        {header}
        <ErrorMessage error={query.error} />
      </>
    );
  const data = query.data;
  if (data.projects.length === 0) {
    return (
      <>
        {header}
        <EmptyState title="No projects yet">
          Create a project, give it a deployment process and a release, and it shows here.{' '}
          <Link to={paths.projects(space)}>Create a project</Link>
        </EmptyState>
      </>
    );
  }
  if (data.environments.length === 0) {
    return (
      <>
        {header}
        <EmptyState title="No environments yet">
          Projects deploy to environments (Dev, Test, Prod, ...).{' '}
          <Link to={paths.library(space, 'environments')}>Add an environment</Link>
        </EmptyState>
      </>
    );
  }
  const envName = new Map(data.environments.map((e) => [e.id, e.name]));
  return (
    <>
      {header}
      <div className="table-wrap dash-wrap">
        <table className="table dash-table">
          <caption className="visually-hidden">The latest release per project and environment</caption>
          <thead>
            <tr>
              <th scope="col">Project</th>
              {data.environments.map((env) => (
                <th scope="col" key={env.id}>
                  {env.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {buildSpaceGrid(data).map((row) => (
              <tr key={row.project.id}>
                <th scope="row" className="dash-project">
                  <Link to={paths.project(space, row.project.name)}>{row.project.name}</Link>
                  {row.project.tenantedMode !== 'untenanted' ? (
                    <div>
                      <Link
                        to={paths.projectTenants(space, row.project.name)}
                        aria-label={`${row.project.name}: tenants`}
                        className="dash-tenants-link"
                      >
                        Tenants
                      </Link>
                    </div>
                  ) : null}
                </th>
                {row.cells.map((cell) => {
                  const env = envName.get(cell.environmentId) ?? cell.environmentId;
                  return (
                    <td key={cell.environmentId} className="dash-cell">
                      <span className="dash-env-label" aria-hidden="true">
                        {env}
                      </span>
                      {cell.item ? (
                        <DeploymentSummary
                          space={space}
                          item={cell.item}
                          label={`${row.project.name} ${cell.item.releaseVersion} in ${env}`}
                        />
                      ) : (
                        <span className="muted">Not deployed</span>
                      )}
                      {cell.tenantStates ? (
                        <div className="dash-tenant-states muted">
                          Tenants:{' '}
                          {tenantSummary(cell.tenantStates)
                            .map((s) => `${s.count} ${stateLook(s.state).label}`)
                            .join(', ')}
                        </div>
                      ) : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
