/**
 * The process page (spaces/:space/projects/:project/process): reads the process and the space's
 * lists its pickers offer, then draws the editor (ProcessEditor), read-only for a user without
 * project.edit in this project.
 */
import { useParams } from 'react-router';
import { spacePath, withQuery } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading, PageHeader } from '../../components/common.js';
import { ProjectTabs } from '../../components/ProjectTabs.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import type { EditorOptions, Option } from './editor-context.js';
import { ProcessEditor } from './ProcessEditor.js';
import type { ProcessResource } from './process-model.js';

interface Named {
  id: string;
  name: string;
}
interface Page<T> {
  items: T[];
}
interface TagSet extends Named {
  tags: { name: string }[];
}

const named = (page: Page<Named> | undefined): Option[] =>
  (page?.items ?? []).map((i) => ({ value: i.id, label: i.name }));

/** The lists the pickers offer; a list the user may not read is empty (stored values still show). */
function useOptions(space: string, project: string): EditorOptions {
  const list = (...parts: string[]) => withQuery(spacePath(space, ...parts), { limit: 500 });
  const quiet = { retry: false } as const;
  const environments = useApi<Page<Named>>(list('environments'), quiet);
  const channels = useApi<Page<Named>>(list('projects', project, 'channels'), quiet);
  const tagSets = useApi<Page<TagSet>>(list('tag-sets'), quiet);
  const teams = useApi<Page<Named>>(list('teams'), quiet);
  const feeds = useApi<Page<Named>>(list('feeds'), quiet);
  return {
    environments: named(environments.data),
    channels: named(channels.data),
    tenantTags: (tagSets.data?.items ?? []).flatMap((set) =>
      set.tags.map((t) => ({ value: `${set.name}/${t.name}`, label: `${set.name}/${t.name}` })),
    ),
    teams: named(teams.data),
    feeds: named(feeds.data),
  };
}

/** See the module comment. */
export function ProcessPage() {
  const space = useSpace();
  const project = useParams().project ?? '';
  const path = spacePath(space, 'projects', project, 'process');
  const processQuery = useApi<ProcessResource>(path);
  const projectQuery = useApi<Named>(spacePath(space, 'projects', project));
  const options = useOptions(space, project);
  const { can } = useSession();
  const projectName = projectQuery.data?.name ?? project;
  usePageTitle(`Process · ${projectName}`);
  const resource = processQuery.data;
  const edit = resource ? can(space, 'project.edit', { projectId: resource.projectId }) : undefined;
  return (
    <>
      <PageHeader title={projectName} subtitle="Deployment process" />
      <ProjectTabs space={space} project={project} />
      {processQuery.isPending ? <Loading what="Loading the process" /> : null}
      <ErrorMessage error={processQuery.error} title="The process could not be read" />
      {resource && edit ? (
        <ProcessEditor
          path={path}
          resource={resource}
          options={options}
          readOnlyReason={edit.allowed ? undefined : (edit.reason ?? 'You may not edit this project.')}
        />
      ) : null}
    </>
  );
}
