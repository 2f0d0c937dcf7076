/** Library › Environments: the space's environments in their order; add, reorder, open one to edit. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { request, spacePath } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { PageHeader } from '../../components/common.js';
import {
  errorsOf,
  invalidatePrefix,
  ListState,
  ListTable,
  ReadOnlyNotice,
  SaveError,
  useAllowed,
} from '../../components/resource-form.js';
import { moved, orderPatches } from './environment-order.js';
import { LibrarySection } from './shared.js';
import type { EnvironmentJson, Page } from './types.js';

/** The environments' list path (all of them: a space has few). */
export function environmentsPath(space: string): string {
  return `${spacePath(space, 'environments')}?limit=500`;
}

/** See the module comment. */
export function EnvironmentsPage() {
  const space = useSpace();
  usePageTitle('Environments');
  const client = useQueryClient();
  const list = useApi<Page<EnvironmentJson>>(environmentsPath(space));
  const edit = useAllowed(space, 'environment.edit');
  const [adding, setAdding] = useState(false);

  const reorder = useMutation({
    mutationFn: async ({ index, delta }: { index: number; delta: number }) => {
      const envs = list.data?.items ?? [];
      for (const patch of orderPatches(moved(envs, index, delta))) {
        await request('PATCH', spacePath(space, 'environments', patch.id), {
          body: { sortOrder: patch.sortOrder },
          ifMatch: patch.version,
        });
      }
    },
    onSettled: () => invalidatePrefix(client, spacePath(space, 'environments')),
  });

  const envs = list.data?.items ?? [];
  const denied = edit.allowed ? undefined : edit.reason;
  return (
    <LibrarySection space={space}>
      <PageHeader
        title="Environments"
        subtitle="Where releases are deployed, in the order lifecycles and the dashboard show them."
        actions={
          <Button variant="primary" disabledReason={denied} onClick={() => setAdding(true)}>
            Add environment
          </Button>
        }
      />
      {adding ? <NewEnvironment space={space} onDone={() => setAdding(false)} /> : null}
      <ListState list={list} loading="Loading environments" empty="No environments yet.">
        Add one (Dev, Test, Production…) to deploy to.
      </ListState>
      <SaveError error={reorder.error} onReload={() => void list.refetch()} />
      <ListTable
        items={envs}
        caption="Environments in deployment order"
        columns={['Order', 'Name', 'Description', 'Guided failure', { hidden: 'Move' }]}
        row={(env, i) => (
          <tr key={env.id}>
            <td>{i + 1}</td>
            <td>
              <Link to={paths.libraryItem(space, 'environments', env.id)}>{env.name}</Link>
            </td>
            <td className="muted">{env.description}</td>
            <td>{env.guidedFailure ? 'On' : 'Off'}</td>
            <td className="library-row-actions">
              {edit.allowed ? (
                <>
                  <Button
                    aria-label={`Move ${env.name} up`}
                    disabled={i === 0}
                    busy={reorder.isPending}
                    onClick={() => reorder.mutate({ index: i, delta: -1 })}
                  >
                    ↑
                  </Button>
                  <Button
                    aria-label={`Move ${env.name} down`}
                    disabled={i === envs.length - 1}
                    busy={reorder.isPending}
                    onClick={() => reorder.mutate({ index: i, delta: 1 })}
                  >
                    ↓
                  </Button>
                </>
              ) : null}
            </td>
          </tr>
        )}
      />
      {!edit.allowed ? <ReadOnlyNotice reason={edit.reason} /> : null}
    </LibrarySection>
  );
}

/** The "add environment" form. */
function NewEnvironment({ space, onDone }: { space: string; onDone: () => void }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [guidedFailure, setGuidedFailure] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      request('POST', spacePath(space, 'environments'), { body: { name, description, guidedFailure } }),
    onSuccess: async () => {
      await invalidatePrefix(client, spacePath(space, 'environments'));
      onDone();
    },
  });
  const errors = errorsOf(create.error, 'environment');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="card library-form" onSubmit={submit} aria-labelledby="new-environment">
      <h2 id="new-environment">New environment</h2>
      <Field label="Name" required error={errors.name}>
        <input value={name} onChange={(e) => setName(e.target.value)} autoFocus />
      </Field>
      <Field label="Description" error={errors.description}>
        <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      <label className="library-check">
        <input type="checkbox" checked={guidedFailure} onChange={(e) => setGuidedFailure(e.target.checked)} />{' '}
        Use guided failure by default (a failed step waits for a person to retry, ignore or fail it)
      </label>
      {errors.name === undefined ? <ErrorMessage error={create.error} /> : null}
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={create.isPending}>
          Create environment
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}
