/**
 * Library › Lifecycles › one (or a new one): the phase editor. Phases are added, removed and
 * reordered; each takes environments manually or automatically, a minimum before promotion, may be
 * optional and keep its own retention. The API's validation errors appear on the fields they name.
 */
import { useNavigate, useParams } from 'react-router';
import { spacePath } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { Button } from '../../components/Button.js';
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
import { moved } from './environment-order.js';
import {
  emptyLifecycleForm,
  formToLifecycle,
  lifecycleToForm,
  newPhase,
  type LifecycleForm,
} from './lifecycle-form.js';
import { PhaseEditor, phaseErrors } from './PhaseEditor.js';
import { RetentionFields } from './RetentionFields.js';
import { ConfirmDelete, LibrarySection } from './shared.js';
import type { EnvironmentJson, LifecycleJson, Page } from './types.js';

/** See the module comment. */
export function LifecycleEditPage() {
  const space = useSpace();
  const id = useParams().id ?? 'new';
  const isNew = id === 'new';
  const navigate = useNavigate();
  const collection = spacePath(space, 'lifecycles');
  const lifecycle = useApi<LifecycleJson>(isNew ? undefined : `${collection}/${encodeURIComponent(id)}`);
  const envs = useApi<Page<EnvironmentJson>>(environmentsPath(space));
  const edit = useAllowed(space, 'lifecycle.edit');
  const title = isNew ? 'New lifecycle' : `Lifecycle ${lifecycle.data?.name ?? ''}`;
  usePageTitle(title);

  const [form, setForm] = useFormFrom(lifecycle.data, lifecycleToForm, emptyLifecycleForm);

  const { save, saved, errors, hasFieldErrors, submit } = useSaveForm<LifecycleJson>({
    collection,
    current: lifecycle.data,
    root: 'lifecycle',
    toDocument: () => formToLifecycle(form),
    onCreated: (created) =>
      void navigate(paths.libraryItem(space, 'lifecycles', created.id), { replace: true }),
  });
  const remove = useDeleteResource(collection, lifecycle.data);
  const setPhase = (i: number, phase: LifecycleForm['phases'][number]) =>
    setForm((f) => ({ ...f, phases: f.phases.map((p, j) => (j === i ? phase : p)) }));

  return (
    <LibrarySection space={space}>
      <PageHeader
        title={title}
        actions={
          lifecycle.data ? (
            <ConfirmDelete
              what={lifecycle.data.name}
              busy={remove.isPending}
              disabledReason={edit.allowed ? undefined : edit.reason}
              onConfirm={() =>
                remove.mutate(undefined, {
                  onSuccess: () => void navigate(paths.library(space, 'lifecycles')),
                })
              }
            />
          ) : null
        }
      />
      {!isNew && lifecycle.isPending ? <Loading what="Loading the lifecycle" /> : null}
      <ErrorMessage error={lifecycle.error} />
      <ErrorMessage error={envs.error} />
      <ErrorMessage error={remove.error} title="Not deleted" />
      {isNew || lifecycle.data ? (
        <EditForm
          className="library-form"
          fieldsetClassName="library-plain"
          legend="Lifecycle"
          edit={edit}
          onSubmit={submit}
          save={save}
          saved={saved}
          hasFieldErrors={hasFieldErrors}
          onReload={() => void lifecycle.refetch()}
          submitLabel={isNew ? 'Create lifecycle' : 'Save lifecycle'}
        >
          <div className="card">
            <Field label="Name" required error={errors.name}>
              <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
            </Field>
            <Field label="Description" error={errors.description}>
              <textarea
                rows={2}
                value={form.description}
                onChange={(e) => setForm({ ...form, description: e.target.value })}
              />
            </Field>
            <RetentionFields
              label="Retention"
              value={form.retention}
              allowInherit={false}
              errors={Object.fromEntries(
                Object.entries(errors)
                  .filter(([k]) => k === 'retention' || k.startsWith('retention.'))
                  .map(([k, m]) => [k === 'retention' ? '' : k.slice(10), m]),
              )}
              onChange={(retention) => setForm({ ...form, retention })}
            />
          </div>
          <h2>Phases</h2>
          {form.phases.length === 0 ? (
            <p className="muted">
              No phases: releases go through every environment, one phase each, in order.
            </p>
          ) : null}
          {form.phases.map((phase, i) => (
            <PhaseEditor
              key={phase.key}
              phase={phase}
              index={i}
              phases={form.phases}
              environments={envs.data?.items ?? []}
              errors={phaseErrors(errors, i)}
              onChange={(p) => setPhase(i, p)}
              onMove={(delta) => setForm((f) => ({ ...f, phases: moved(f.phases, i, delta) }))}
              onRemove={() => setForm((f) => ({ ...f, phases: f.phases.filter((_, j) => j !== i) }))}
            />
          ))}
          {edit.allowed ? (
            <Button
              onClick={() =>
                setForm((f) => ({ ...f, phases: [...f.phases, newPhase(`Phase ${f.phases.length + 1}`)] }))
              }
            >
              Add phase
            </Button>
          ) : null}
        </EditForm>
      ) : null}
    </LibrarySection>
  );
}
