/** Sign in with a name and password, or with an API key; then back to the page that sent you here. */
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useSession } from '../../api/session.js';
import { usePageTitle } from '../../app/hooks.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';

/** Only a path of this app may follow sign-in (never another site). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** See the module comment. */
export function SignInPage() {
  usePageTitle('Sign in');
  const { session, signIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [mode, setMode] = useState<'password' | 'apiKey'>('password');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));
  if (session) return <Navigate to={next} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(mode === 'password' ? { username, password } : { apiKey });
      await navigate(next, { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <h1>Sign in to Slipway</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorMessage error={error} />
        {mode === 'password' ? (
          <>
            <Field label="User name" required>
              <input
                name="username"
                autoComplete="username"
                value={username}
                onChange={(e) => setUsername(e.target.value)}
              />
            </Field>
            <Field label="Password" required>
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
            hint="A key starting with slw_, from your user page or `slipway` admin."
            required
          >
            <input
              name="apiKey"
              type="password"
              autoComplete="off"
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
            />
          </Field>
        )}
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy}>
            Sign in
          </Button>
          <Button variant="link" onClick={() => setMode(mode === 'password' ? 'apiKey' : 'password')}>
            {mode === 'password' ? 'Use an API key instead' : 'Use a user name and password instead'}
          </Button>
        </div>
      </form>
    </main>
  );
}
