/**
 * The signed-in user's own account (/account): who they are, and a form to change their password
 * (with the current one; the server ends their other sessions and keeps this one).
 */
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, request } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { usePageTitle } from '../../app/hooks.js';
import { Button } from '../../components/Button.js';
import { PageHeader } from '../../components/common.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { fieldErrors } from '../../lib/field-errors.js';
import { MIN_PASSWORD_LENGTH, newPasswordProblems } from './sign-in-form.js';

interface PasswordChanged {
  otherSessionsEnded: number;
}

/** See the module comment. */
export function AccountPage() {
  usePageTitle('Your account');
  const { session } = useSession();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const change = useMutation({
    mutationFn: async () =>
      (
        await request<PasswordChanged>(
          'PUT',
          `/api/users/${encodeURIComponent(session?.user.id ?? '')}/password`,
          {
            body: { newPassword, ...(currentPassword === '' ? {} : { currentPassword }) },
          },
        )
      ).data,
    onSuccess: () => {
      setCurrentPassword('');
      setNewPassword('');
      setConfirm('');
    },
  });
  if (!session) return null;
  const user = session.user;

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = newPasswordProblems(user.name, { newPassword, confirm });
    setProblems(found);
    if (Object.keys(found).length === 0) change.mutate();
  }

  const server = change.error instanceof ApiError ? fieldErrors(change.error.issues) : {};
  // The server names the new one `password` (its rule) or `newPassword` (its type).
  const errors = {
    currentPassword: server.currentPassword,
    newPassword: problems.newPassword ?? server.newPassword ?? server.password,
    confirm: problems.confirm,
  };
  const onField =
    Object.values(server).length > 0 && change.error instanceof ApiError && change.error.status === 400;
  const ended = change.data?.otherSessionsEnded ?? 0;

  return (
    <>
      <PageHeader
        title="Your account"
        subtitle={`Signed in as ${user.name}${user.isAdmin ? ' (administrator)' : ''}.`}
      />
      <section className="card account-card" aria-labelledby="change-password">
        <h2 id="change-password">Change password</h2>
        <p className="muted">
          Your password signs you in to this web UI. Changing it signs you out everywhere else; this browser
          stays signed in.
        </p>
        <form onSubmit={submit} noValidate>
          {change.isSuccess ? (
            <div className="notice notice-success" role="status">
              Password changed.{' '}
              {ended === 0
                ? 'You had no other sessions.'
                : `${ended} other session${ended === 1 ? ' was' : 's were'} signed out.`}
            </div>
          ) : null}
          {change.error && !onField ? <ErrorMessage error={change.error} /> : null}
          <Field
            label="Current password"
            hint="Leave empty only if you have never had one (you signed in with an API key)."
            error={errors.currentPassword}
          >
            <input
              name="currentPassword"
              type="password"
              autoComplete="current-password"
              value={currentPassword}
              onChange={(e) => setCurrentPassword(e.target.value)}
            />
          </Field>
          <Field
            label="New password"
            hint={`At least ${MIN_PASSWORD_LENGTH} characters, not your user name.`}
            error={errors.newPassword}
          >
            <input
              name="newPassword"
              type="password"
              autoComplete="new-password"
              value={newPassword}
              onChange={(e) => setNewPassword(e.target.value)}
            />
          </Field>
          <Field label="New password again" error={errors.confirm}>
            <input
              name="confirm"
              type="password"
              autoComplete="new-password"
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
            />
          </Field>
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={change.isPending}>
              Change password
            </Button>
          </div>
        </form>
      </section>
    </>
  );
}
