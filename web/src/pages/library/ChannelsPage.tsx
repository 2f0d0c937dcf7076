/** A project's Channels tab: its channels with their lifecycle, version rules and tenant tags. */
import { Link, useParams } from 'react-router';
import { spacePath } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { ProjectTabs } from '../../components/ProjectTabs.js';
import { PageHeader } from '../../components/common.js';
import { AddLink, collectionPath, ListState, ListTable, useAllowed } from '../../components/resource-form.js';
import { describeRule } from './channel-form.js';
import { TagBadge } from './shared.js';
import type { ChannelJson, LifecycleJson, Page, ProjectJson } from './types.js';

/** The channels' list path of a project. */
export function channelsPath(space: string, project: string): string {
  return collectionPath(space, 'channels', project);
}

/** See the module comment. */
export function ChannelsPage() {
  const space = useSpace();
  const projectParam = useParams().project ?? '';
  const project = useApi<ProjectJson>(spacePath(space, 'projects', projectParam));
  usePageTitle(`Channels · ${project.data?.name ?? projectParam}`);
  const list = useApi<Page<ChannelJson>>(`${channelsPath(space, projectParam)}?limit=500`);
  const lifecycles = useApi<Page<LifecycleJson>>(`${spacePath(space, 'lifecycles')}?limit=500`);
  const edit = useAllowed(space, 'project.edit', { projectId: project.data?.id ?? projectParam });
  const lifecycleName = new Map((lifecycles.data?.items ?? []).map((l) => [l.id, l.name]));
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeader
        title={project.data?.name ?? projectParam}
        subtitle="Channels: which versions a release may take, which lifecycle it follows, which tenants it reaches."
        actions={
          <AddLink to={paths.projectChannel(space, projectParam, 'new')} label="Add channel" edit={edit} />
        }
      />
      <ProjectTabs space={space} project={projectParam} />
      <ErrorMessage error={project.error} />
      <ListState list={list} loading="Loading channels" empty="No channels yet.">
        Releases use the project’s lifecycle and any version. Add a channel to set version rules.
      </ListState>
      <ListTable
        items={items}
        columns={['Channel', 'Lifecycle', 'Version rules', 'Tenant tags']}
        row={(c) => (
          <tr key={c.id}>
            <td>
              <Link to={paths.projectChannel(space, projectParam, c.id)}>{c.name}</Link>
              {c.isDefault ? <span className="badge tone-running library-default">default</span> : null}
            </td>
            <td>{c.lifecycle ? (lifecycleName.get(c.lifecycle) ?? c.lifecycle) : 'the project’s'}</td>
            <td>
              {c.rules.length === 0 ? <span className="muted">any version</span> : null}
              <ul className="library-plain-list">
                {c.rules.map((r, i) => (
                  <li key={i}>
                    {r.packages.map((p) => p.package).join(', ')}: {describeRule(r)}
                  </li>
                ))}
              </ul>
            </td>
            <td>
              {c.tenantTags.length === 0 ? <span className="muted">every tenant</span> : null}
              {c.tenantTags.map((t) => (
                <TagBadge key={t} tag={t} />
              ))}
            </td>
          </tr>
        )}
      />
    </>
  );
}
