/** Library › Environments › one: name, description and guided failure; delete (refused while in use). */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { request, spacePath } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { Loading, PageHeader } from '../../components/common.js';
import {
  errorsOf,
  invalidatePrefix,
  EditForm,
  useAllowed,
  useDeleteResource,
  useFormFrom,
} from '../../components/resource-form.js';
import { ConfirmDelete, LibrarySection } from './shared.js';
import type { EnvironmentJson } from './types.js';

/** See the module comment. */
export function EnvironmentEditPage() {
  const space = useSpace();
  const id = useParams().id ?? '';
  const navigate = useNavigate();
  const client = useQueryClient();
  const collection = spacePath(space, 'environments');
  const path = spacePath(space, 'environments', id);
  const env = useApi<EnvironmentJson>(path);
  usePageTitle(env.data ? `Environment ${env.data.name}` : 'Environment');
  const edit = useAllowed(space, 'environment.edit', { environmentId: env.data?.id ?? id });
  const [form, setForm] = useFormFrom(
    env.data,
    (e) => ({ name: e.name, description: e.description, guidedFailure: e.guidedFailure }),
    () => ({ name: '', description: '', guidedFailure: false }),
  );
  const { name, description, guidedFailure } = form;
  const [saved, setSaved] = useState(false);

  const save = useMutation({
    mutationFn: () =>
      request('PATCH', path, {
        body: { name, description, guidedFailure },
        ifMatch: env.data?.version ?? 0,
      }),
    onSuccess: async () => {
      setSaved(true);
      await invalidatePrefix(client, collection);
    },
  });
  const remove = useDeleteResource(collection, env.data);

  const errors = errorsOf(save.error, 'environment');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    save.mutate();
  };
  return (
    <LibrarySection space={space}>
      <PageHeader
        title={env.data ? `Environment ${env.data.name}` : 'Environment'}
        actions={
          env.data ? (
            <ConfirmDelete
              what={env.data.name}
              busy={remove.isPending}
              disabledReason={edit.allowed ? undefined : edit.reason}
              onConfirm={() =>
                remove.mutate(undefined, {
                  onSuccess: () => void navigate(paths.library(space, 'environments')),
                })
              }
            />
          ) : null
        }
      />
      {env.isPending ? <Loading what="Loading the environment" /> : null}
      <ErrorMessage error={env.error} />
      <ErrorMessage error={remove.error} title="Not deleted" />
      {env.data ? (
        <EditForm
          className="card library-form"
          fieldsetClassName="library-plain"
          legend="Environment"
          edit={edit}
          onSubmit={submit}
          validate
          save={save}
          saved={saved}
          hasFieldErrors={errors.name !== undefined}
          onReload={() => void env.refetch()}
          submitLabel="Save"
        >
          <Field label="Name" required error={errors.name}>
            <input value={name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </Field>
          <Field label="Description" error={errors.description}>
            <textarea
              rows={3}
              value={description}
              onChange={(e) => setForm({ ...form, description: e.target.value })}
            />
          </Field>
          <label className="library-check">
            <input
              type="checkbox"
              checked={guidedFailure}
              onChange={(e) => setForm({ ...form, guidedFailure: e.target.checked })}
            />{' '}
            Use guided failure by default (a failed step waits for a person to retry, ignore or fail it)
          </label>
        </EditForm>
      ) : null}
    </LibrarySection>
  );
}
