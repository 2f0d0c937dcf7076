/**
 * Library › Tenants › one (or a new one): name, description, tags from the tag sets, and the
 * projects it is connected to with their environments; a link to its variables.
 */
import { Link, useNavigate, useParams } from 'react-router';
import { spacePath } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { Loading, PageHeader } from '../../components/common.js';
import {
  EditForm,
  useAllowed,
  useDeleteResource,
  useFormFrom,
  useSaveForm,
} from '../../components/resource-form.js';
import { environmentsPath } from './EnvironmentsPage.js';
import { ConfirmDelete, LibrarySection } from './shared.js';
import { ColouredTag, tagSetsPath } from './TagSetsPage.js';
import { tenantVariablesPath } from './TenantsPage.js';
import {
  emptyTenantForm,
  formToTenant,
  setConnection,
  tagChoices,
  tenantToForm,
  toggle,
} from './tenant-form.js';
import type { EnvironmentJson, Page, ProjectJson, TagSetJson, TenantJson } from './types.js';

/** See the module comment. */
export function TenantEditPage() {
  const space = useSpace();
  const id = useParams().id ?? 'new';
  const isNew = id === 'new';
  const navigate = useNavigate();
  const collection = spacePath(space, 'tenants');
  const tenant = useApi<TenantJson>(isNew ? undefined : `${collection}/${encodeURIComponent(id)}`);
  const sets = useApi<Page<TagSetJson>>(tagSetsPath(space));
  const projects = useApi<Page<ProjectJson>>(`${spacePath(space, 'projects')}?limit=500`);
  const envs = useApi<Page<EnvironmentJson>>(environmentsPath(space));
  // Creating a tenant needs the permission unrestricted by tenant; editing one, in its scope.
  const edit = useAllowed(space, 'tenant.edit', isNew ? {} : { tenantId: tenant.data?.id ?? id });
  const title = isNew ? 'New tenant' : `Tenant ${tenant.data?.name ?? ''}`;
  usePageTitle(title);
  const [form, setForm] = useFormFrom(tenant.data, tenantToForm, emptyTenantForm);

  const { save, saved, errors, hasFieldErrors, submit } = useSaveForm<TenantJson>({
    collection,
    current: tenant.data,
    root: 'tenant',
    toDocument: () => formToTenant(form),
    onCreated: (created) => void navigate(paths.libraryItem(space, 'tenants', created.id), { replace: true }),
  });
  const remove = useDeleteResource(collection, tenant.data);
  const envList = envs.data?.items ?? [];
  const tagErrors = Object.entries(errors).filter(([k]) => k === 'tags' || k.startsWith('tags['));
  const projectErrors = Object.entries(errors).filter(([k]) => k === 'projects' || k.startsWith('projects['));

  return (
    <LibrarySection space={space}>
      <PageHeader
        title={title}
        actions={
          tenant.data ? (
            <>
              <Link className="btn btn-secondary" to={tenantVariablesPath(space, tenant.data.id)}>
                Variables
              </Link>
              <ConfirmDelete
                what={tenant.data.name}
                busy={remove.isPending}
                disabledReason={edit.allowed ? undefined : edit.reason}
                onConfirm={() =>
                  remove.mutate(undefined, {
                    onSuccess: () => void navigate(paths.library(space, 'tenants')),
                  })
                }
              />
            </>
          ) : null
        }
      />
      {!isNew && tenant.isPending ? <Loading what="Loading the tenant" /> : null}
      <ErrorMessage error={tenant.error} />
      <ErrorMessage error={remove.error} title="Not deleted" />
      {isNew || tenant.data ? (
        <EditForm
          className="library-form"
          fieldsetClassName="library-plain"
          legend="Tenant"
          edit={edit}
          onSubmit={submit}
          save={save}
          saved={saved}
          hasFieldErrors={hasFieldErrors}
          onReload={() => void tenant.refetch()}
          submitLabel={isNew ? 'Create tenant' : 'Save tenant'}
        >
          <div className="card">
            <Field label="Name" required error={errors.name}>
              <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
            </Field>
            <Field label="Description" error={errors.description}>
              <input
                value={form.description}
                onChange={(e) => setForm({ ...form, description: e.target.value })}
              />
            </Field>
          </div>
          <section className="card" aria-labelledby="tenant-tags">
            <h2 id="tenant-tags">Tags</h2>
            {(sets.data?.items.length ?? 0) === 0 ? (
              <p className="muted">
                No tag sets yet: <Link to={paths.library(space, 'tag-sets')}>add one</Link> to tag tenants.
              </p>
            ) : null}
            {tagChoices(sets.data?.items ?? []).map((group) => (
              <fieldset key={group.set} className="library-plain library-tag-group">
                <legend>{group.set}</legend>
                {group.tags.map((t) => (
                  <label key={t.value} className="library-check">
                    <input
                      type="checkbox"
                      checked={form.tags.includes(t.value)}
                      onChange={(e) =>
                        setForm({ ...form, tags: toggle(form.tags, t.value, e.target.checked) })
                      }
                    />{' '}
                    <ColouredTag name={t.name} color={t.color} />
                    <span className="visually-hidden"> ({t.value})</span>
                  </label>
                ))}
              </fieldset>
            ))}
            {tagErrors.map(([k, m]) => (
              <p key={k} className="field-error" role="alert">
                {m}
              </p>
            ))}
          </section>
          <section className="card" aria-labelledby="tenant-projects">
            <h2 id="tenant-projects">Projects and environments</h2>
            <p className="muted">Tick the environments this tenant is deployed to, per project.</p>
            {(projects.data?.items ?? []).length === 0 ? <p className="muted">No projects yet.</p> : null}
            {(projects.data?.items ?? []).length > 0 ? (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Project</th>
                      {envList.map((env) => (
                        <th key={env.id} scope="col">
                          {env.name}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {(projects.data?.items ?? []).map((p) => {
                      const connected = form.projects.find((c) => c.project === p.id)?.environments ?? [];
                      return (
                        <tr key={p.id}>
                          <th scope="row">{p.name}</th>
                          {envList.map((env) => (
                            <td key={env.id}>
                              <input
                                type="checkbox"
                                aria-label={`Connect ${p.name} in ${env.name}`}
                                checked={connected.includes(env.id)}
                                onChange={(e) => setForm(setConnection(form, p.id, env.id, e.target.checked))}
                              />
                            </td>
                          ))}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            ) : null}
            {projectErrors.map(([k, m]) => (
              <p key={k} className="field-error" role="alert">
                {m}
              </p>
            ))}
          </section>
        </EditForm>
      ) : null}
    </LibrarySection>
  );
}
