/** Library › Feeds: the registries image versions come from (Docker Registry v2, Amazon ECR). */
import { Link } from 'react-router';
import { spacePath } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { PageHeader } from '../../components/common.js';
import { AddLink, ListState, ListTable, useAllowed } from '../../components/resource-form.js';
import { feedSource } from './feed-form.js';
import { LibrarySection } from './shared.js';
import type { FeedJson, Page, ResourceBase } from './types.js';

/** The feeds' list path. */
export function feedsPath(space: string): string {
  return `${spacePath(space, 'feeds')}?limit=500`;
}

/** See the module comment. */
export function FeedsPage() {
  const space = useSpace();
  usePageTitle('Feeds');
  const list = useApi<Page<FeedJson>>(feedsPath(space));
  const accounts = useApi<Page<ResourceBase>>(`${spacePath(space, 'aws-accounts')}?limit=500`, {
    retry: false,
  });
  const edit = useAllowed(space, 'feed.edit');
  const accountName = new Map((accounts.data?.items ?? []).map((a) => [a.id, a.name]));
  const items = list.data?.items ?? [];
  return (
    <LibrarySection space={space}>
      <PageHeader
        title="Feeds"
        subtitle="Where releases find the versions of an image: a Docker registry or Amazon ECR."
        actions={<AddLink to={paths.libraryItem(space, 'feeds', 'new')} label="Add feed" edit={edit} />}
      />
      <ListState list={list} loading="Loading feeds" empty="No feeds yet.">
        Add your registry so releases can pick image versions from it.
      </ListState>
      <ListTable
        items={items}
        columns={['Feed', 'Type', 'Reads from']}
        row={(f) => (
          <tr key={f.id}>
            <td>
              <Link to={paths.libraryItem(space, 'feeds', f.id)}>{f.name}</Link>
            </td>
            <td>{f.type === 'ecr' ? 'Amazon ECR' : 'Docker registry'}</td>
            <td className="mono">
              {feedSource(f, f.type === 'ecr' && f.awsAccount ? accountName.get(f.awsAccount) : undefined)}
            </td>
          </tr>
        )}
      />
    </LibrarySection>
  );
}
