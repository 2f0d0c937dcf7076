/** Library › Tag sets: the groups of tenant tags (Region, Tier…) with their tags. */
import { Link } from 'react-router';
import { spacePath } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { PageHeader } from '../../components/common.js';
import { AddLink, ListState, ListTable, useAllowed } from '../../components/resource-form.js';
import { LibrarySection } from './shared.js';
import { textColourOn } from './tag-set-form.js';
import type { Page, TagSetJson } from './types.js';

/** The tag sets' list path. */
export function tagSetsPath(space: string): string {
  return `${spacePath(space, 'tag-sets')}?limit=500`;
}

/** A tag drawn in its colour. */
export function ColouredTag({ name, color }: { name: string; color: string }) {
  return (
    <span className="library-tag-chip" style={{ background: color, color: textColourOn(color) }}>
      {name}
    </span>
  );
}

/** See the module comment. */
export function TagSetsPage() {
  const space = useSpace();
  usePageTitle('Tag sets');
  const list = useApi<Page<TagSetJson>>(tagSetsPath(space));
  const edit = useAllowed(space, 'tag-set.edit');
  const items = list.data?.items ?? [];
  return (
    <LibrarySection space={space}>
      <PageHeader
        title="Tag sets"
        subtitle="Tags group tenants (Region/EU, Tier/Gold): deploy to tenants by tag, scope steps and variables."
        actions={<AddLink to={paths.libraryItem(space, 'tag-sets', 'new')} label="Add tag set" edit={edit} />}
      />
      <ListState list={list} loading="Loading tag sets" empty="No tag sets yet.">
        Add one, e.g. Region with the tags EU and US.
      </ListState>
      <ListTable
        items={items}
        columns={['Tag set', 'Tags', 'Description']}
        row={(s) => (
          <tr key={s.id}>
            <td>
              <Link to={paths.libraryItem(space, 'tag-sets', s.id)}>{s.name}</Link>
            </td>
            <td>
              {s.tags.length === 0 ? <span className="muted">none</span> : null}
              {s.tags.map((t) => (
                <ColouredTag key={t.name} name={t.name} color={t.color} />
              ))}
            </td>
            <td className="muted">{s.description}</td>
          </tr>
        )}
      />
    </LibrarySection>
  );
}
