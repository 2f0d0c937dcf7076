/**
 * The space's projects: name, description, lifecycle and latest release, and (for someone who may
 * edit projects) a form to create one. `?new=1` opens the form, so it has a deep link.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, request, spacePath, withQuery } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { usePageTitle, useApi, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { Button } from '../../components/Button.js';
import { EmptyState, Loading, PageHeader, Time } from '../../components/common.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { fieldErrors } from '../../lib/field-errors.js';
import { ALL, useReleases } from './api.js';
import type { Named, PageOf, ProjectView } from './model.js';

/** See the module comment. */
export function ProjectsPage() {
  usePageTitle('Projects');
  const space = useSpace();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const projects = useApi<PageOf<ProjectView>>(withQuery(spacePath(space, 'projects'), { limit: ALL }));
  const lifecycles = useApi<PageOf<Named>>(withQuery(spacePath(space, 'lifecycles'), { limit: ALL }));
  const mayCreate = can(space, 'project.edit').allowed;
  const creating = mayCreate && params.get('new') === '1';
  const lifecycleName = (id: string) => lifecycles.data?.items.find((l) => l.id === id)?.name ?? id;
  const open = () => setParams({ new: '1' });

  return (
    <>
      <PageHeader
        title="Projects"
        subtitle="What you deploy, each with its process, variables, channels and releases."
        actions={
          mayCreate && !creating ? (
            <Button variant="primary" onClick={open}>
              Add project
            </Button>
          ) : undefined
        }
      />
      {creating ? (
        <CreateProject lifecycles={lifecycles.data?.items ?? []} onClose={() => setParams({})} />
      ) : null}
      <ErrorMessage error={projects.error} />
      {projects.isPending ? (
        <Loading what="Loading projects" />
      ) : projects.data && projects.data.items.length === 0 ? (
        <EmptyState title="No projects yet.">
          {mayCreate ? (
            <p>
              Add one to describe what you deploy:{' '}
              <Button variant="link" onClick={open}>
                Add project
              </Button>
            </p>
          ) : (
            <p>Ask someone who may edit projects to add one.</p>
          )}
        </EmptyState>
      ) : projects.data ? (
        <div className="table-wrap">
          <table className="table plain-rows">
            <caption className="visually-hidden">Projects</caption>
            <thead>
              <tr>
                <th scope="col">Project</th>
                <th scope="col">Description</th>
                <th scope="col">Lifecycle</th>
                <th scope="col">Latest release</th>
              </tr>
            </thead>
            <tbody>
              {projects.data.items.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    <Link to={paths.project(space, p.name)}>{p.name}</Link>
                    {p.disabled ? <span className="badge tone-neutral projects-badge">Disabled</span> : null}
                  </th>
                  <td>{p.description || <span className="muted">No description</span>}</td>
                  <td>{lifecycleName(p.lifecycle)}</td>
                  <td>
                    <LatestRelease space={space} project={p} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

/** The newest release of a project, linked, with when it was made. */
function LatestRelease({ space, project }: { space: string; project: ProjectView }) {
  const releases = useReleases(space, project.id, 1);
  if (releases.isPending) return <span className="muted">…</span>;
  const latest = releases.data?.items[0];
  if (!latest) return <span className="muted">No releases yet</span>;
  return (
    <>
      <Link to={paths.release(space, project.name, latest.version)}>{latest.version}</Link>{' '}
      <span className="muted">
        <Time iso={latest.createdAt} />
      </span>
    </>
  );
}

/** The form that creates a project (POST /projects), then opens it. */
function CreateProject({ lifecycles, onClose }: { lifecycles: Named[]; onClose: () => void }) {
  const space = useSpace();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [lifecycle, setLifecycle] = useState('');
  const [tenantedMode, setTenantedMode] = useState('untenanted');
  const chosenLifecycle = lifecycle || lifecycles[0]?.id || '';
  const create = useMutation({
    mutationFn: () =>
      request<ProjectView>('POST', spacePath(space, 'projects'), {
        body: { name: name.trim(), description, lifecycle: chosenLifecycle, tenantedMode },
      }),
    onSuccess: async (answer) => {
      await client.invalidateQueries({ queryKey: [withQuery(spacePath(space, 'projects'), { limit: ALL })] });
      await navigate(paths.project(space, answer.data.name));
    },
  });
  const errors = create.error instanceof ApiError ? fieldErrors(create.error.issues, 'project') : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <section className="card" aria-labelledby="new-project-title">
      <h2 id="new-project-title">Add a project</h2>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={create.error} />
        <Field label="Name" required error={errors.name}>
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </Field>
        <Field label="Description" error={errors.description}>
          <textarea value={description} rows={2} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <Field
          label="Lifecycle"
          required
          hint="The environments its releases are promoted through, in order."
          error={errors.lifecycle}
        >
          <select value={chosenLifecycle} onChange={(e) => setLifecycle(e.target.value)}>
            {lifecycles.length === 0 ? (
              <option value="">No lifecycle yet: add one in the library</option>
            ) : null}
            {lifecycles.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Deploys to" error={errors.tenantedMode}>
          <select value={tenantedMode} onChange={(e) => setTenantedMode(e.target.value)}>
            <option value="untenanted">No tenants</option>
            <option value="tenanted">Tenants only</option>
            <option value="both">With or without tenants</option>
          </select>
        </Field>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create project
          </Button>
          <Button onClick={onClose}>Cancel</Button>
        </div>
      </form>
    </section>
  );
}
