/**
 * Configuration › API keys: the signed-in user's keys, and (administrators) any user's, chosen in
 * the URL (`?user=`). A new key is shown once, with a copy button and a warning; afterwards only its
 * prefix. Revoking stops a key at once.
 */
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { request } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { EmptyState, Loading, PageHeader, Time } from '../../components/common.js';
import { errorsOf, invalidatePrefix, ListTable, useAllowed } from '../../components/resource-form.js';
import { keyState, localToIso } from './admin-logic.js';
import { useClient } from './shared.js';
import { useUsers } from './UsersPage.js';

interface ApiKeyJson {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** The new key, shown once. */
function NewKey({ apiKey, onDone }: { apiKey: string; onDone: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'no' | undefined>();
  const copy = () => {
    navigator.clipboard.writeText(apiKey).then(
      () => setCopied('yes'),
      () => setCopied('no'),
    );
  };
  return (
    <div className="notice notice-warning admin-new-key" role="alert">
      <p className="admin-tight">
        <strong>Copy this key now: it is shown only once.</strong> Slipway keeps only a hash; if you lose it,
        revoke it and create another.
      </p>
      <label className="visually-hidden" htmlFor="new-api-key">
        The new API key
      </label>
      <input
        id="new-api-key"
        className="mono admin-key"
        readOnly
        value={apiKey}
        onFocus={(e) => e.target.select()}
      />
      <div className="form-actions">
        <Button onClick={copy}>Copy key</Button>
        <Button variant="link" onClick={onDone}>
          I have stored it
        </Button>
        <span role="status">
          {copied === 'yes'
            ? 'Copied.'
            : copied === 'no'
              ? 'Could not copy: select the key and copy it.'
              : ''}
        </span>
      </div>
    </div>
  );
}

/** See the module comment. */
export function ApiKeysPage() {
  const space = useSpace();
  usePageTitle('API keys');
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const userView = useAllowed(space, 'user.view');
  const users = useUsers(userView.allowed);
  const userId = params.get('user') ?? me?.id;
  const own = userId === me?.id;
  const userName = own ? me?.name : (users.data?.items.find((u) => u.id === userId)?.name ?? userId);
  const path = userId ? `/api/users/${encodeURIComponent(userId)}/api-keys` : undefined;
  const keys = useApi<{ items: ApiKeyJson[] }>(path);
  const client = useClient();
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [shown, setShown] = useState<string | undefined>();
  const [now] = useState(() => Date.now());

  const create = useMutation({
    mutationFn: async () => {
      const expiresAt = localToIso(expires);
      return (
        await request<ApiKeyJson & { key: string }>('POST', path ?? '', {
          body: { name: name.trim(), ...(expiresAt ? { expiresAt } : {}) },
        })
      ).data;
    },
    onSuccess: async (created) => {
      setShown(created.key);
      setName('');
      setExpires('');
      if (path) await invalidatePrefix(client, path);
    },
  });
  const revoke = useMutation({
    mutationFn: (k: ApiKeyJson) => request('DELETE', `${path ?? ''}/${encodeURIComponent(k.id)}`),
    onSuccess: () => (path ? invalidatePrefix(client, path) : undefined),
  });
  const errors = errorsOf(create.error, 'API key');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setShown(undefined);
    create.mutate();
  };

  return (
    <>
      <PageHeader
        title="API keys"
        subtitle="Keys let programs (the CLI, CI) act as a user. Send one as Authorization: Bearer <key>."
      />
      {userView.allowed && users.data ? (
        <Field label="Keys of">
          <select
            value={userId ?? ''}
            onChange={(e) => {
              setShown(undefined);
              setParams(e.target.value === me?.id ? {} : { user: e.target.value });
            }}
          >
            {users.data.items.map((u) => (
              <option key={u.id} value={u.id}>
                {u.id === me?.id ? `${u.name} (you)` : u.name}
              </option>
            ))}
          </select>
        </Field>
      ) : (
        <p className="muted">Your own keys. Administrators manage everyone’s.</p>
      )}
      {shown ? <NewKey apiKey={shown} onDone={() => setShown(undefined)} /> : null}
      {keys.isPending ? <Loading what="Loading API keys" /> : null}
      <ErrorMessage error={keys.error} />
      <ErrorMessage error={revoke.error} title="Not revoked" />
      <h2>{own ? 'Your keys' : `Keys of ${userName ?? ''}`}</h2>
      {keys.data && keys.data.items.length === 0 ? <EmptyState title="No API keys yet." /> : null}
      <ListTable
        items={keys.data?.items}
        columns={['Name', 'Key', 'Created', 'Last used', 'State', { hidden: 'Actions' }]}
        row={(k) => {
          const state = keyState(k, now);
          return (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td className="mono">slw_{k.prefix}_…</td>
              <td>
                <Time iso={k.createdAt} />
              </td>
              <td>{k.lastUsedAt ? <Time iso={k.lastUsedAt} /> : <span className="muted">Never</span>}</td>
              <td>
                <span className={`badge tone-${state === 'Active' ? 'success' : 'neutral'}`}>{state}</span>
              </td>
              <td>
                {k.revokedAt ? null : (
                  <Button
                    variant="danger"
                    busy={revoke.isPending && revoke.variables.id === k.id}
                    onClick={() => revoke.mutate(k)}
                  >
                    Revoke {k.name}
                  </Button>
                )}
              </td>
            </tr>
          );
        }}
      />
      <form className="card admin-form" onSubmit={submit} noValidate aria-labelledby="new-key">
        <h2 id="new-key">New API key</h2>
        <Field label="Key name" required error={errors.name} hint="What uses it, e.g. GitHub Actions.">
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field
          label="Expires"
          error={errors.expiresAt}
          hint="Optional; without it the key works until revoked."
        >
          <input type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />
        </Field>
        {Object.keys(errors).length === 0 ? <ErrorMessage error={create.error} title="Not created" /> : null}
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create API key
          </Button>
        </div>
      </form>
    </>
  );
}
