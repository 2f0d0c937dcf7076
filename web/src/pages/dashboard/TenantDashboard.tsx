/**
 * A project's tenants dashboard: tenants × environments with a name search and a tag filter (both in
 * the URL's query, so a filtered view deep-links), fast with thousands of tenants: only the rows in
 * view are drawn (@tanstack/react-virtual). The grid scrolls in its own focusable region, so the
 * keyboard scrolls it and Tab reaches every drawn link; live like the space dashboard.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useMemo, useRef, useState, type CSSProperties } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { spacePath, withQuery } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { EmptyState, Loading, PageHeader } from '../../components/common.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { ProjectTabs } from '../../components/ProjectTabs.js';
import { DeploymentSummary } from './DeploymentSummary.js';
import {
  buildTenantGrid,
  filterTenants,
  LIVE_INTERVAL_MS,
  readFilter,
  tagGroups,
  tenantEnvironments,
  writeFilter,
  type TenantFilter,
} from './grid.js';
import type { Dashboard } from './types.js';

const ROW_HEIGHT = 60;

/** The page at /spaces/:space/projects/:project/tenants. */
export function TenantDashboard() {
  const space = useSpace();
  const project = useParams().project ?? '';
  const query = useApi<Dashboard>(withQuery(spacePath(space, 'dashboard'), { project }), {
    refetchInterval: LIVE_INTERVAL_MS,
  });
  const name = query.data?.projects[0]?.name ?? project;
  usePageTitle(`${name}: tenants`);
  return (
    <>
      <PageHeader title={name} subtitle="Tenants × environments" />
      <ProjectTabs space={space} project={project} />
      {query.isPending ? (
        <Loading what="Loading the tenants" />
      ) : query.isError ? (
        <ErrorMessage error={query.error} />
      ) : (
        <TenantGrid space={space} data={query.data} />
      )}
    </>
  );
}

function TenantGrid({ space, data }: { space: string; data: Dashboard }) {
  const [params, setParams] = useSearchParams();
  const filter = readFilter(params);
  // The box answers every key at once; the 1,000-row filter follows a moment later.
  const [typed, setTyped] = useState(filter.search);
  const search = useDeferredValue(typed);
  const environments = useMemo(() => tenantEnvironments(data), [data]);
  const rows = useMemo(() => buildTenantGrid(data, environments), [data, environments]);
  const groups = useMemo(() => tagGroups(data.tenants ?? []), [data.tenants]);
  const tagKey = filter.tags.join('\n');
  const shown = useMemo(
    () => filterTenants(rows, { search, tags: tagKey === '' ? [] : tagKey.split('\n') }),
    [rows, search, tagKey],
  );
  const update = (next: TenantFilter) => setParams(writeFilter(params, next), { replace: true });
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualiser's functions change every render by design; this component is not memoised for it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  if ((data.tenants ?? []).length === 0) {
    return (
      <EmptyState title="No tenants connected to this project">
        Connect tenants to the project (Library → Tenants, each tenant&apos;s projects and environments) to
        deploy to them and follow them here.
      </EmptyState>
    );
  }
  const columns: CSSProperties = {
    gridTemplateColumns: `minmax(10rem, 1.4fr) repeat(${environments.length}, minmax(9rem, 1fr))`,
  };
  return (
    <>
      <form className="tenant-filters card" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="tenant-search">Search tenants by name</label>
          <input
            id="tenant-search"
            type="search"
            value={typed}
            onChange={(e) => {
              setTyped(e.target.value);
              update({ search: e.target.value, tags: filter.tags });
            }}
          />
        </div>
        {groups.map((group) => (
          <fieldset key={group.set} className="tenant-tags">
            <legend>{group.set}</legend>
            {group.tags.map((tag) => (
              <label key={tag} className="tenant-tag">
                <input
                  type="checkbox"
                  checked={filter.tags.includes(tag)}
                  onChange={(e) =>
                    update({
                      search: typed,
                      tags: e.target.checked ? [...filter.tags, tag] : filter.tags.filter((t) => t !== tag),
                    })
                  }
                />{' '}
                {tag.slice(tag.indexOf('/') + 1)}
              </label>
            ))}
          </fieldset>
        ))}
        {typed !== '' || filter.tags.length > 0 ? (
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => {
              setTyped('');
              update({ search: '', tags: [] });
            }}
          >
            Clear filters
          </button>
        ) : null}
      </form>
      <p className="muted" role="status" aria-live="polite">
        {shown.length === rows.length
          ? `${rows.length.toLocaleString()} tenants`
          : `Showing ${shown.length.toLocaleString()} of ${rows.length.toLocaleString()} tenants`}
      </p>
      {shown.length === 0 ? (
        <EmptyState title="No tenant matches">
          Change the search or the tags, or clear the filters.
        </EmptyState>
      ) : (
        <div
          ref={scrollRef}
          className="tenant-scroll"
          tabIndex={0}
          role="region"
          aria-label="Tenants and environments (scrolls)"
        >
          <div
            role="table"
            aria-label="Latest release per tenant and environment"
            aria-rowcount={shown.length + 1}
          >
            <div role="rowgroup" className="tenant-head">
              <div role="row" aria-rowindex={1} className="tenant-row" style={columns}>
                <div role="columnheader">Tenant</div>
                {environments.map((env) => (
                  <div role="columnheader" key={env.id}>
                    {env.name}
                  </div>
                ))}
              </div>
            </div>
            <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((v) => {
                const row = shown[v.index]!;
                return (
                  <div
                    role="row"
                    aria-rowindex={v.index + 2}
                    key={row.tenant.id}
                    className="tenant-row"
                    style={{
                      ...columns,
                      position: 'absolute',
                      top: 0,
                      left: 0,
                      right: 0,
                      height: ROW_HEIGHT,
                      transform: `translateY(${v.start}px)`,
                    }}
                  >
                    <div role="rowheader" className="tenant-name">
                      {row.tenant.name}
                    </div>
                    {row.cells.map((cell, i) => (
                      <div role="cell" key={cell.environmentId} className="tenant-cell">
                        {cell.kind === 'deployed' ? (
                          <DeploymentSummary
                            space={space}
                            item={cell.item}
                            label={`${row.tenant.name} ${cell.item.releaseVersion} in ${environments[i]!.name}`}
                          />
                        ) : cell.kind === 'not-deployed' ? (
                          <span className="muted">Not deployed</span>
                        ) : (
                          <span className="muted" title="The tenant is not connected to this environment">
                            —<span className="visually-hidden">not connected</span>
                          </span>
                        )}
                      </div>
                    ))}
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </>
  );
}
