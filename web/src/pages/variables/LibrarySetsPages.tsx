/**
 * Library variable sets: the list (with a form to add one) and one set's page, its variables in the
 * same grid as a project's and its common variable templates (the values each tenant fills in).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { request, spacePath } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { EmptyState, Loading, PageHeader } from '../../components/common.js';
import { fieldErrors } from '../../lib/field-errors.js';
import { ApiError } from '../../api/client.js';
import { getAll } from './data.js';
import type { VariableTemplate } from './tenant-model.js';
import { VariableGrid } from './VariableGrid.js';

/** A library set as the API answers it. */
interface LibrarySet {
  id: string;
  name: string;
  description?: string;
  templates?: VariableTemplate[];
}

/** The list of library variable sets. */
export function LibrarySetsPage() {
  const space = useSpace();
  const { can } = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  usePageTitle('Library variable sets');
  const list = useQuery({
    queryKey: [spacePath(space, 'library-sets'), 'all'],
    queryFn: ({ signal }) => getAll<LibrarySet>(spacePath(space, 'library-sets'), signal),
  });
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const edit = can(space, 'library-set.edit');

  const create = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await request<LibrarySet>('POST', spacePath(space, 'library-sets'), { body: { name } });
      await client.invalidateQueries({ queryKey: [spacePath(space, 'library-sets'), 'all'] });
      void navigate(paths.variableSet(space, answer.data.id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const issues = error instanceof ApiError ? fieldErrors(error.issues, 'library-set') : {};

  return (
    <>
      <PageHeader
        title="Library variable sets"
        subtitle="Variables and templates shared by the projects that include them."
      />
      {list.isPending ? <Loading what="Loading the sets" /> : null}
      {list.error ? <ErrorMessage error={list.error} title="The sets could not be read" /> : null}
      {list.data && list.data.length === 0 ? (
        <EmptyState title="No library variable sets yet.">
          {edit.allowed ? 'Add one below, then include it in a project.' : null}
        </EmptyState>
      ) : null}
      {list.data && list.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Templates</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link to={paths.variableSet(space, s.id)}>{s.name}</Link>
                  </td>
                  <td>{s.description ?? ''}</td>
                  <td>{(s.templates ?? []).length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <form
        className="card"
        aria-labelledby="new-set"
        onSubmit={(e) => {
          e.preventDefault();
          if (edit.allowed) void create();
        }}
      >
        <h2 id="new-set">New library variable set</h2>
        <Field label="Name" error={issues.name}>
          <input value={name} onChange={(e) => setName(e.target.value)} disabled={!edit.allowed} />
        </Field>
        {error && !issues.name ? <ErrorMessage error={error} title="Not created" /> : null}
        <div className="form-actions">
          <Button
            type="submit"
            variant="primary"
            busy={busy}
            disabledReason={edit.allowed ? undefined : edit.reason}
          >
            Create set
          </Button>
        </div>
      </form>
    </>
  );
}

/** One library variable set: its variables and its common templates. */
export function LibrarySetPage() {
  const space = useSpace();
  const id = useParams().id ?? '';
  const { can } = useSession();
  const set = useApi<LibrarySet>(spacePath(space, 'library-sets', id));
  usePageTitle(`Library set · ${set.data?.name ?? id}`);
  return (
    <>
      <p className="breadcrumb">
        <Link to={paths.variableSets(space)}>Library variable sets</Link>
      </p>
      <PageHeader title={set.data?.name ?? id} subtitle={set.data?.description || 'Library variable set'} />
      {set.isPending ? <Loading what="Loading the set" /> : null}
      {set.error ? <ErrorMessage error={set.error} title="The set could not be read" /> : null}
      {set.data ? (
        <>
          <h2>Variables</h2>
          <VariableGrid
            space={space}
            path={spacePath(space, 'library-sets', set.data.id, 'variables')}
            edit={can(space, 'library-set.edit')}
            what="this set's variables"
          />
          <section className="card" aria-labelledby="set-templates">
            <h2 id="set-templates">Common variable templates</h2>
            {(set.data.templates ?? []).length === 0 ? (
              <p className="muted">
                No templates: a template is a variable each tenant gives its own value (on the tenant&apos;s
                variables page).
              </p>
            ) : (
              <ul>
                {(set.data.templates ?? []).map((t) => (
                  <li key={t.name}>
                    <span className="mono">{t.name}</span>
                    {t.label ? ` — ${t.label}` : ''} ({t.type ?? 'text'}
                    {t.defaultValue !== undefined ? `, default "${t.defaultValue}"` : ''})
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}
