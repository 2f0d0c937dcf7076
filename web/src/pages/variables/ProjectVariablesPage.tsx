/**
 * A project's variables: the grid, the library variable sets the project includes (their values
 * rank below the project's at equal specificity), and a link to the preview.
 */
import { useQuery } from '@tanstack/react-query';
import { Link, NavLink, useParams } from 'react-router';
import { spacePath } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { ProjectTabs } from '../../components/ProjectTabs.js';
import { Loading, PageHeader } from '../../components/common.js';
import { getAll, type Named } from './data.js';
import { VariableGrid } from './VariableGrid.js';

/** A project as GET /projects/{id} answers (the fields used here). */
export interface ProjectView {
  id: string;
  name: string;
  librarySets?: string[];
  templates?: { name: string }[];
}

/** The sub-navigation of the project's variables: the grid and the preview. */
export function VariablesSubnav({ space, project }: { space: string; project: string }) {
  return (
    <nav className="subnav" aria-label="Variables">
      <NavLink to={paths.projectVariables(space, project)} end>
        Grid
      </NavLink>
      <NavLink to={paths.projectVariablesPreview(space, project)}>Preview</NavLink>
    </nav>
  );
}

function IncludedSets({ space, ids }: { space: string; ids: string[] }) {
  const sets = useQuery({
    queryKey: [spacePath(space, 'library-sets'), 'all'],
    queryFn: ({ signal }) => getAll<Named>(spacePath(space, 'library-sets'), signal),
  });
  return (
    <section className="card included-sets" aria-labelledby="included-sets">
      <h2 id="included-sets">Library variable sets</h2>
      {ids.length === 0 ? (
        <p className="muted">
          This project includes no library variable sets. Shared values live in{' '}
          <Link to={paths.variableSets(space)}>library variable sets</Link>; include one in the project&apos;s
          settings.
        </p>
      ) : (
        <>
          <p className="muted">
            Included, in order: at equal specificity the project&apos;s own value wins, then the set listed
            first.
          </p>
          <ol>
            {ids.map((id) => (
              <li key={id}>
                <Link to={paths.variableSet(space, id)}>
                  {sets.data?.find((s) => s.id === id)?.name ?? id}
                </Link>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

/** See the module comment. */
export function ProjectVariablesPage() {
  const space = useSpace();
  const projectParam = useParams().project ?? '';
  const { can } = useSession();
  const project = useApi<ProjectView>(spacePath(space, 'projects', projectParam));
  usePageTitle(`Variables · ${project.data?.name ?? projectParam}`);
  const edit = project.data ? can(space, 'project.edit', { projectId: project.data.id }) : { allowed: false };
  return (
    <>
      <PageHeader title={project.data?.name ?? projectParam} subtitle="Variables" />
      <ProjectTabs space={space} project={projectParam} />
      <VariablesSubnav space={space} project={projectParam} />
      {project.isPending ? <Loading what="Loading the project" /> : null}
      {project.error ? <ErrorMessage error={project.error} title="The project could not be read" /> : null}
      {project.data ? (
        <>
          <VariableGrid
            space={space}
            path={spacePath(space, 'projects', project.data.id, 'variables')}
            project={project.data.id}
            edit={edit}
            what="this project's variables"
          />
          <IncludedSets space={space} ids={project.data.librarySets ?? []} />
        </>
      ) : null}
    </>
  );
}
