/**
 * Configuration › Users (server-wide): every user, created with a password for the web UI (or none:
 * API keys only), disabled (their keys and sessions stop at once). Administrators only; others see
 * why. Access comes from teams (Teams and roles).
 */
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { request, withQuery } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { PageHeader, Time } from '../../components/common.js';
import {
  errorsOf,
  invalidatePrefix,
  ListState,
  ListTable,
  ReadOnlyNotice,
  useAllowed,
} from '../../components/resource-form.js';
import { useClient, type Page } from './shared.js';

/** A user as the API answers it. */
export interface UserJson {
  id: string;
  name: string;
  isAdmin: boolean;
  createdAt: string;
  disabledAt: string | null;
}

/** Every user (administrators: user.view); undefined path when the caller may not list them. */
export function useUsers(allowed: boolean) {
  return useApi<Page<UserJson>>(allowed ? withQuery('/api/users', { limit: 500 }) : undefined);
}

function NewUserForm() {
  const client = useClient();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const create = useMutation({
    mutationFn: async () =>
      (
        await request<UserJson>('POST', '/api/users', {
          body: { name: name.trim(), isAdmin, ...(password ? { password } : {}) },
        })
      ).data,
    onSuccess: async () => {
      setName('');
      setPassword('');
      setIsAdmin(false);
      await invalidatePrefix(client, '/api/users');
    },
  });
  const errors = errorsOf(create.error, 'user');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-labelledby="new-user">
      <h2 id="new-user">New user</h2>
      <Field label="User name" required error={errors.name}>
        <input autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field
        label="Password"
        error={errors.password}
        hint="For signing in to the web UI: at least 12 characters, not the user name. Leave empty for API keys only."
      >
        <input
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <label className="admin-check">
        <input type="checkbox" checked={isAdmin} onChange={(e) => setIsAdmin(e.target.checked)} />{' '}
        Administrator (holds every permission in every space)
      </label>
      {Object.keys(errors).length === 0 ? <ErrorMessage error={create.error} title="Not created" /> : null}
      {create.data ? (
        <p className="notice notice-success" role="status">
          Created {create.data.name}. Give them access by adding them to a team.
        </p>
      ) : null}
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={create.isPending}>
          Create user
        </Button>
      </div>
    </form>
  );
}

/** See the module comment. */
export function UsersPage() {
  const space = useSpace();
  usePageTitle('Users');
  const { me } = useSession();
  const view = useAllowed(space, 'user.view');
  const edit = useAllowed(space, 'user.edit');
  const users = useUsers(view.allowed);
  const client = useClient();
  const disable = useMutation({
    mutationFn: (u: UserJson) => request('POST', `/api/users/${encodeURIComponent(u.id)}/disable`),
    onSuccess: () => invalidatePrefix(client, '/api/users'),
  });
  return (
    <>
      <PageHeader
        title="Users"
        subtitle={
          <>
            People and programs that sign in. What they may do comes from their{' '}
            <Link to={paths.configuration(space, 'teams')}>teams</Link>.
          </>
        }
      />
      <ReadOnlyNotice reason={view.allowed ? undefined : view.reason} />
      {view.allowed ? <ListState list={users} loading="Loading users" /> : null}
      <ErrorMessage error={disable.error} title="Not disabled" />
      <ListTable
        items={users.data?.items}
        columns={['Name', 'Kind', 'Created', 'State', { hidden: 'Actions' }]}
        row={(u) => (
          <tr key={u.id}>
            <td>{u.name}</td>
            <td>{u.isAdmin ? 'Administrator' : 'User'}</td>
            <td>
              <Time iso={u.createdAt} />
            </td>
            <td>
              <span className={`badge tone-${u.disabledAt ? 'warning' : 'success'}`}>
                {u.disabledAt ? 'Disabled' : 'Active'}
              </span>
            </td>
            <td>
              {u.disabledAt || !edit.allowed ? null : (
                <Button
                  variant="danger"
                  busy={disable.isPending && disable.variables.id === u.id}
                  disabledReason={u.id === me?.id ? 'You cannot disable yourself.' : undefined}
                  onClick={() => disable.mutate(u)}
                >
                  Disable {u.name}
                </Button>
              )}
            </td>
          </tr>
        )}
      />
      {edit.allowed ? <NewUserForm /> : null}
    </>
  );
}
