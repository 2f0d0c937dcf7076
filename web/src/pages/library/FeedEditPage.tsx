/**
 * Library › Feeds › one (or a new one): a Docker registry (URL, username, a write-only password) or
 * Amazon ECR (region, AWS account); a saved feed can be tested and its tags browsed.
 */
import { useNavigate, useParams } from 'react-router';
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
import { emptyFeedForm, feedToForm, formToFeed, type FeedForm, type PasswordAction } from './feed-form.js';
import { FeedTest } from './FeedTest.js';
import { ConfirmDelete, LibrarySection } from './shared.js';
import type { FeedJson, Page, ResourceBase } from './types.js';

/** See the module comment. */
export function FeedEditPage() {
  const space = useSpace();
  const id = useParams().id ?? 'new';
  const isNew = id === 'new';
  const navigate = useNavigate();
  const collection = spacePath(space, 'feeds');
  const feed = useApi<FeedJson>(isNew ? undefined : `${collection}/${encodeURIComponent(id)}`);
  const accounts = useApi<Page<ResourceBase>>(`${spacePath(space, 'aws-accounts')}?limit=500`, {
    retry: false,
  });
  const edit = useAllowed(space, 'feed.edit');
  const title = isNew ? 'New feed' : `Feed ${feed.data?.name ?? ''}`;
  usePageTitle(title);
  const [form, setForm] = useFormFrom(feed.data, feedToForm, emptyFeedForm);

  const { save, saved, errors, hasFieldErrors, submit } = useSaveForm<FeedJson>({
    collection,
    current: feed.data,
    root: 'feed',
    toDocument: () => formToFeed(form),
    onCreated: (created) => void navigate(paths.libraryItem(space, 'feeds', created.id), { replace: true }),
  });
  const remove = useDeleteResource(collection, feed.data);
  const set = (patch: Partial<FeedForm>) => setForm((f) => ({ ...f, ...patch }));

  return (
    <LibrarySection space={space}>
      <PageHeader
        title={title}
        actions={
          feed.data ? (
            <ConfirmDelete
              what={feed.data.name}
              busy={remove.isPending}
              disabledReason={edit.allowed ? undefined : edit.reason}
              onConfirm={() =>
                remove.mutate(undefined, { onSuccess: () => void navigate(paths.library(space, 'feeds')) })
              }
            />
          ) : null
        }
      />
      {!isNew && feed.isPending ? <Loading what="Loading the feed" /> : null}
      <ErrorMessage error={feed.error} />
      <ErrorMessage error={remove.error} title="Not deleted" />
      {isNew || feed.data ? (
        <EditForm
          className="card library-form"
          fieldsetClassName="library-plain"
          legend="Feed"
          edit={edit}
          onSubmit={submit}
          save={save}
          saved={saved}
          hasFieldErrors={hasFieldErrors}
          onReload={() => void feed.refetch()}
          submitLabel={isNew ? 'Create feed' : 'Save feed'}
        >
          <Field label="Name" required error={errors.name}>
            <input value={form.name} onChange={(e) => set({ name: e.target.value })} />
          </Field>
          <Field label="Description" error={errors.description}>
            <input value={form.description} onChange={(e) => set({ description: e.target.value })} />
          </Field>
          <Field label="Type" error={errors.type}>
            <select value={form.type} onChange={(e) => set({ type: e.target.value as FeedForm['type'] })}>
              <option value="docker">Docker registry (Registry HTTP API v2)</option>
              <option value="ecr">Amazon ECR</option>
            </select>
          </Field>
          {form.type === 'docker' ? (
            <>
              <Field
                label="Registry URL"
                required
                error={errors.url}
                hint="https://registry.example.com, no credentials in it"
              >
                <input value={form.url} onChange={(e) => set({ url: e.target.value })} />
              </Field>
              <Field label="Username" error={errors.username} hint="Leave empty for an anonymous registry.">
                <input
                  value={form.username}
                  autoComplete="off"
                  onChange={(e) => set({ username: e.target.value })}
                />
              </Field>
              <PasswordFields form={form} error={errors.password} onChange={set} />
            </>
          ) : (
            <>
              <Field label="Region" required error={errors.region}>
                <input value={form.region} onChange={(e) => set({ region: e.target.value })} />
              </Field>
              <Field
                label="AWS account"
                error={errors.awsAccount}
                hint={
                  accounts.error ? `The accounts could not be listed: ${accounts.error.message}` : undefined
                }
              >
                <select value={form.awsAccount} onChange={(e) => set({ awsAccount: e.target.value })}>
                  <option value="">The server’s own AWS credentials</option>
                  {(accounts.data?.items ?? []).map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
                  {form.awsAccount !== '' && !accounts.data?.items.some((a) => a.id === form.awsAccount) ? (
                    <option value={form.awsAccount}>{form.awsAccount}</option>
                  ) : null}
                </select>
              </Field>
            </>
          )}
        </EditForm>
      ) : null}
      {feed.data ? <FeedTest space={space} feedId={feed.data.id} feedName={feed.data.name} /> : null}
    </LibrarySection>
  );
}

/** The write-only password: keep the stored one, replace it, or clear it. */
function PasswordFields({
  form,
  error,
  onChange,
}: {
  form: FeedForm;
  error: string | undefined;
  onChange: (patch: Partial<FeedForm>) => void;
}) {
  const choice = (action: PasswordAction, label: string) => (
    <label className="library-check">
      <input
        type="radio"
        name="password-action"
        checked={form.passwordAction === action}
        onChange={() => onChange({ passwordAction: action })}
      />{' '}
      {label}
    </label>
  );
  return (
    <fieldset className="library-plain">
      <legend>Password</legend>
      {form.passwordSet ? (
        <div role="radiogroup" aria-label="Stored password">
          <p className="muted">A password is stored (encrypted; it is never shown).</p>
          {choice('keep', 'Keep the stored password')}
          {choice('replace', 'Replace it')}
          {choice('clear', 'Remove it')}
        </div>
      ) : null}
      {form.passwordAction === 'replace' ? (
        <Field
          label={form.passwordSet ? 'New password' : 'Password'}
          error={error}
          hint="Or a token the registry accepts."
        >
          <input
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => onChange({ password: e.target.value })}
          />
        </Field>
      ) : error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
