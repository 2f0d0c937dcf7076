/**
 * Library › Tenants: every tenant with its tags and projects, filtered by a search and by tags
 * (both in the URL: ?q=acme&tag=Region/EU).
 */
import { Link, useSearchParams } from 'react-router';
import { spacePath } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { Field } from '../../components/Field.js';
import { EmptyState, PageHeader } from '../../components/common.js';
import { AddLink, ListState, ListTable, useAllowed } from '../../components/resource-form.js';
import { LibrarySection, TagBadge } from './shared.js';
import { tagSetsPath } from './TagSetsPage.js';
import { filterTenants, tagChoices } from './tenant-form.js';
import type { Page, ProjectJson, TagSetJson, TenantJson } from './types.js';

/** The tenant variables page (the variables area's; paths.ts has no entry for it yet). */
export function tenantVariablesPath(space: string, tenant: string): string {
  return `/spaces/${encodeURIComponent(space)}/tenants/${encodeURIComponent(tenant)}/variables`;
}

/** See the module comment. */
export function TenantsPage() {
  const space = useSpace();
  usePageTitle('Tenants');
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const tags = params.getAll('tag');
  const list = useApi<Page<TenantJson>>(`${spacePath(space, 'tenants')}?limit=500`);
  const sets = useApi<Page<TagSetJson>>(tagSetsPath(space));
  const projects = useApi<Page<ProjectJson>>(`${spacePath(space, 'projects')}?limit=500`);
  const edit = useAllowed(space, 'tenant.edit');
  const projectName = new Map((projects.data?.items ?? []).map((p) => [p.id, p.name]));
  const all = list.data?.items ?? [];
  const shown = filterTenants(all, search, tags);

  const setFilter = (q: string, tagList: string[]) => {
    const next = new URLSearchParams();
    if (q !== '') next.set('q', q);
    for (const t of tagList) next.append('tag', t);
    setParams(next, { replace: true });
  };

  return (
    <LibrarySection space={space}>
      <PageHeader
        title="Tenants"
        subtitle="The customers (or regions…) a tenanted project deploys to, each in its chosen environments."
        actions={<AddLink to={paths.libraryItem(space, 'tenants', 'new')} label="Add tenant" edit={edit} />}
      />
      <div className="library-inline library-filters" role="search">
        <Field label="Search tenants">
          <input type="search" value={search} onChange={(e) => setFilter(e.target.value, tags)} />
        </Field>
        <Field label="With tag">
          <select value="" onChange={(e) => e.target.value && setFilter(search, [...tags, e.target.value])}>
            <option value="">Add a tag filter…</option>
            {tagChoices(sets.data?.items ?? []).map((group) => (
              <optgroup key={group.set} label={group.set}>
                {group.tags
                  .filter((t) => !tags.includes(t.value))
                  .map((t) => (
                    <option key={t.value} value={t.value}>
                      {t.value}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </Field>
        {tags.map((t) => (
          <button
            key={t}
            type="button"
            className="btn btn-secondary"
            aria-label={`Remove the filter ${t}`}
            onClick={() =>
              setFilter(
                search,
                tags.filter((x) => x !== t),
              )
            }
          >
            {t} ×
          </button>
        ))}
      </div>
      <ListState list={list} loading="Loading tenants" empty="No tenants yet.">
        Add one and connect it to a project’s environments to deploy to it.
      </ListState>
      {all.length > 0 && shown.length === 0 ? (
        <EmptyState title="No tenant matches.">Change the search or remove a tag filter.</EmptyState>
      ) : null}
      <ListTable
        items={shown}
        caption={
          <>
            {' '}
            {shown.length} of {all.length} tenants{' '}
          </>
        }
        columns={['Tenant', 'Tags', 'Projects', { hidden: 'Variables' }]}
        row={(t) => (
          <tr key={t.id}>
            <td>
              <Link to={paths.libraryItem(space, 'tenants', t.id)}>{t.name}</Link>
            </td>
            <td>
              {t.tags.map((tag) => (
                <TagBadge key={tag} tag={tag} />
              ))}
            </td>
            <td>{t.projects.map((p) => projectName.get(p.project) ?? p.project).join(', ')}</td>
            <td>
              <Link to={tenantVariablesPath(space, t.id)} aria-label={`Variables of ${t.name}`}>
                Variables
              </Link>
            </td>
          </tr>
        )}
      />
    </LibrarySection>
  );
}
