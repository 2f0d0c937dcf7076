/**
 * Sign in with a user name and password, or with an API key (`?with=api-key`); then back to the
 * page that sent you here (`?next=`). The first field has the focus; a missing field is named
 * beside it before anything is sent; the server's refusal is shown as it says it (one message for
 * every wrong credential, so nothing is revealed; after too many failures, when to try again).
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { usePageTitle } from '../../app/hooks.js';
import { Button } from '../../components/Button.js';
import { Field } from '../../components/Field.js';
import { missingSignInFields, safeNext, signInMode, type SignInMode } from './sign-in-form.js';

/** What a refusal means to the person at the keyboard. */
function refusal(error: unknown): { title: string; message: string } {
  if (error instanceof ApiError) {
    if (error.status === 429) return { title: 'Too many failed sign-ins', message: error.message };
    if (error.status === 401) return { title: 'Not signed in', message: error.message };
    return { title: 'Could not sign in', message: error.message };
  }
  return { title: 'Could not sign in', message: error instanceof Error ? error.message : String(error) };
}

/** See the module comment. */
export function SignInPage() {
  usePageTitle('Sign in');
  const { session, signIn } = useSession();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const mode = signInMode(params.get('with'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const next = safeNext(params.get('next'));

  // The first field of the form shown has the focus, also after switching how to sign in.
  useEffect(() => first.current?.focus(), [mode]);

  if (session) return <Navigate to={next} replace />;

  function switchMode(to: SignInMode) {
    const nextParams = new URLSearchParams(params);
    if (to === 'apiKey') nextParams.set('with', 'api-key');
    else nextParams.delete('with');
    setMissing({});
    setError(undefined);
    setParams(nextParams, { replace: true });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const empty = missingSignInFields(mode, { username, password, apiKey });
    setMissing(empty);
    if (Object.keys(empty).length > 0) return;
    setBusy(true);
    setError(undefined);
    try {
      await signIn(mode === 'password' ? { username: username.trim(), password } : { apiKey: apiKey.trim() });
      await navigate(next, { replace: true });
    } catch (e) {
      setError(e);
      setPassword('');
      setBusy(false);
    }
  }

  const shown = error === undefined ? undefined : refusal(error);
  return (
    <main id="main" className="sign-in">
      <h1>Sign in to Slipway</h1>
      <form
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-describedby={shown ? 'sign-in-error' : undefined}
      >
        {shown ? (
          <div id="sign-in-error" className="notice notice-danger" role="alert">
            <strong>{shown.title}.</strong> {shown.message}
          </div>
        ) : null}
        {mode === 'password' ? (
          <>
            <Field label="User name" error={missing.username}>
              <input
                ref={first}
                name="username"
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                value={username}
                onChange={(e) => setUsername(e.target.value)}
              />
            </Field>
            <Field label="Password" error={missing.password}>
              <input
                name="password"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </Field>
          </>
        ) : (
          <Field
            label="API key"
            hint="A key starting with slw_: create one on your user's API keys page, or use the one the server printed at first start."
            error={missing.apiKey}
          >
            <input
              ref={first}
              name="apiKey"
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
            />
          </Field>
        )}
        <div className="form-actions sign-in-actions">
          <Button type="submit" variant="primary" busy={busy}>
            Sign in
          </Button>
          <Button variant="link" onClick={() => switchMode(mode === 'password' ? 'apiKey' : 'password')}>
            {mode === 'password' ? 'Use an API key instead' : 'Use a user name and password instead'}
          </Button>
        </div>
      </form>
      <p className="sign-in-help muted">
        First start? The administrator is <code>admin</code>; its password is in <code>admin-password</code>{' '}
        in the server's data directory. Forgot your password? Ask an administrator to set a new one.
      </p>
    </main>
  );
}
