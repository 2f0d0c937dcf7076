/** Library › Lifecycles: each lifecycle with its phases in words; open one to edit its phases. */
import { Link } from 'react-router';
import { spacePath } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { PageHeader } from '../../components/common.js';
import { AddLink, ListState, useAllowed } from '../../components/resource-form.js';
import { environmentsPath } from './EnvironmentsPage.js';
import { describePhase } from './lifecycle-form.js';
import { LibrarySection } from './shared.js';
import type { EnvironmentJson, LifecycleJson, Page } from './types.js';

/** See the module comment. */
export function LifecyclesPage() {
  const space = useSpace();
  usePageTitle('Lifecycles');
  const list = useApi<Page<LifecycleJson>>(`${spacePath(space, 'lifecycles')}?limit=500`);
  const envs = useApi<Page<EnvironmentJson>>(environmentsPath(space));
  const edit = useAllowed(space, 'lifecycle.edit');
  const names = new Map((envs.data?.items ?? []).map((e) => [e.id, e.name]));
  const items = list.data?.items ?? [];
  return (
    <LibrarySection space={space}>
      <PageHeader
        title="Lifecycles"
        subtitle="The phases a release is promoted through, and how long releases are kept."
        actions={
          <AddLink to={paths.libraryItem(space, 'lifecycles', 'new')} label="Add lifecycle" edit={edit} />
        }
      />
      <ListState list={list} loading="Loading lifecycles" empty="No lifecycles yet.">
        Without one a project deploys to every environment in order. Add a lifecycle to set phases.
      </ListState>
      {items.map((l) => (
        <section key={l.id} className="card library-card" aria-labelledby={`lc-${l.id}`}>
          <h2 id={`lc-${l.id}`}>
            <Link to={paths.libraryItem(space, 'lifecycles', l.id)}>{l.name}</Link>
          </h2>
          {l.description ? <p className="muted">{l.description}</p> : null}
          {l.phases.length === 0 ? (
            <p>No phases: one phase per environment, in environment order.</p>
          ) : (
            <ol className="library-phases">
              {l.phases.map((p) => (
                <li key={p.name}>
                  <strong>{p.name}</strong> — {describePhase(p, names)}
                </li>
              ))}
            </ol>
          )}
        </section>
      ))}
    </LibrarySection>
  );
}
