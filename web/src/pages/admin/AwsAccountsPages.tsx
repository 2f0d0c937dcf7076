/**
 * Infrastructure › AWS accounts: the list, and one account's form (create or edit) with its "Test"
 * button, which asks AWS who the stored credentials are (STS GetCallerIdentity through the server).
 * The secret access key is write-only: the form says whether one is stored, never what it is.
 */
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { request, spacePath } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { Loading, PageHeader } from '../../components/common.js';
import {
  AddLink,
  ListState,
  ListTable,
  EditForm,
  useAllowed,
  useFormFrom,
  useSaveForm,
} from '../../components/resource-form.js';
import { accountBody, accountForm, type AccountForm, type AccountJson } from './admin-logic.js';
import { CheckList, nameLookup, EDIT_FORM, useNamed, type Page } from './shared.js';

const MODE_WORDS: Record<AccountJson['mode'], string> = {
  keys: 'Access key',
  role: 'Assumed role',
  ambient: 'Server’s own credentials',
};

/** The list of accounts. */
export function AwsAccountsPage() {
  const space = useSpace();
  usePageTitle('AWS accounts');
  const accounts = useApi<Page<AccountJson>>(spacePath(space, 'aws-accounts') + '?limit=500');
  const edit = useAllowed(space, 'aws-account.edit');
  const envs = useNamed('environments');
  const nameOf = nameLookup(envs.data?.items);
  return (
    <>
      <PageHeader
        title="AWS accounts"
        subtitle="The credentials ECS targets, steps and ECR feeds use."
        actions={
          <AddLink
            to={paths.infrastructure(space, 'aws-accounts/new')}
            label="Add AWS account"
            edit={edit}
            denied="button"
          />
        }
      />
      <ListState list={accounts} loading="Loading AWS accounts" empty="No AWS accounts yet.">
        Add one with an access key, a role to assume, or the server’s own credentials.
      </ListState>
      <ListTable
        items={accounts.data?.items}
        columns={['Name', 'Signs in with', 'Region', 'Environments']}
        row={(a) => (
          <tr key={a.id}>
            <td>
              <Link to={paths.infrastructure(space, `aws-accounts/${encodeURIComponent(a.id)}`)}>
                {a.name}
              </Link>
            </td>
            <td>
              {MODE_WORDS[a.mode]}
              {a.mode === 'keys' ? <span className="mono muted"> {a.accessKeyId}</span> : null}
            </td>
            <td>{a.region ?? <span className="muted">—</span>}</td>
            <td>
              {(a.environments ?? []).length === 0 ? 'Any' : (a.environments ?? []).map(nameOf).join(', ')}
            </td>
          </tr>
        )}
      />
    </>
  );
}

/** What the Test button answers. */
interface TestResult {
  account: string;
  arn: string;
  userId: string;
  region: string;
}

/** The Test button and what AWS said. */
export function AccountTest({
  space,
  id,
  disabledReason,
}: {
  space: string;
  id: string;
  disabledReason?: string;
}) {
  const test = useMutation({
    mutationFn: async () =>
      (await request<TestResult>('POST', spacePath(space, 'aws-accounts', id, 'test'))).data,
  });
  return (
    <section className="card" aria-labelledby="account-test">
      <h2 id="account-test">Test the credentials</h2>
      <p className="muted">
        Asks AWS who these credentials are (STS GetCallerIdentity), as a deployment would use them.
      </p>
      <Button onClick={() => test.mutate()} busy={test.isPending} disabledReason={disabledReason}>
        Test
      </Button>
      <div aria-live="polite">
        {test.data ? (
          <p className="notice notice-success">
            AWS accepted them: account <span className="mono">{test.data.account}</span>, as{' '}
            <span className="mono">{test.data.arn}</span> ({test.data.region}).
          </p>
        ) : null}
        <ErrorMessage error={test.error} title="The test failed" />
      </div>
    </section>
  );
}

/** One account: create (`:id` = new) or edit. */
export function AwsAccountEditPage() {
  const space = useSpace();
  const id = useParams().id ?? 'new';
  const isNew = id === 'new';
  const navigate = useNavigate();
  const collection = spacePath(space, 'aws-accounts');
  const account = useApi<AccountJson>(isNew ? undefined : `${collection}/${encodeURIComponent(id)}`);
  const stored = account.data;
  usePageTitle(stored ? `AWS account ${stored.name}` : 'New AWS account');
  const edit = useAllowed(space, 'aws-account.edit');
  const envs = useNamed('environments');
  const tenants = useNamed('tenants');
  const others = useNamed('aws-accounts');
  const [form, setForm] = useFormFrom(stored, accountForm, () => accountForm(undefined));
  const set = (patch: Partial<AccountForm>) => setForm((f) => ({ ...f, ...patch }));
  const { save, saved, errors, submit } = useSaveForm<AccountJson>({
    collection,
    current: stored,
    root: 'aws-account',
    toDocument: () => accountBody(form, stored),
    onCreated: (created) =>
      void navigate(paths.infrastructure(space, `aws-accounts/${encodeURIComponent(created.id)}`)),
  });
  const readOnly = edit.allowed ? undefined : edit.reason;
  const title = stored ? `AWS account ${stored.name}` : 'New AWS account';
  const secretStored = stored?.mode === 'keys' && stored.secretAccessKey?.set === true;

  return (
    <>
      <PageHeader
        title={title}
        subtitle={<Link to={paths.infrastructure(space, 'aws-accounts')}>All AWS accounts</Link>}
      />
      {!isNew && account.isPending ? <Loading what="Loading the account" /> : null}
      <ErrorMessage error={account.error} />
      {isNew || stored ? (
        <EditForm
          {...EDIT_FORM}
          legend="AWS account"
          edit={edit}
          onSubmit={submit}
          save={save}
          saved={saved && !isNew}
          hasFieldErrors={Object.keys(errors).length > 0}
          onReload={() => void account.refetch()}
          submitLabel={isNew ? 'Create' : 'Save'}
        >
          <Field label="Name" required error={errors.name}>
            <input value={form.name} onChange={(e) => set({ name: e.target.value })} />
          </Field>
          <Field label="Description" error={errors.description}>
            <input value={form.description} onChange={(e) => set({ description: e.target.value })} />
          </Field>
          <Field label="Signs in with" error={errors.mode}>
            <select value={form.mode} onChange={(e) => set({ mode: e.target.value as AccountForm['mode'] })}>
              <option value="keys">An access key (id and secret)</option>
              <option value="role">A role to assume</option>
              <option value="ambient">The server’s own credentials</option>
            </select>
          </Field>
          {form.mode === 'keys' ? (
            <>
              <Field label="Access key id" required error={errors.accessKeyId}>
                <input
                  className="mono"
                  autoComplete="off"
                  value={form.accessKeyId}
                  onChange={(e) => set({ accessKeyId: e.target.value })}
                />
              </Field>
              <Field
                label="Secret access key"
                required={!secretStored}
                error={errors.secretAccessKey}
                hint={
                  secretStored
                    ? 'A secret is stored and never shown. Leave this empty to keep it, or type a new one to replace it.'
                    : 'Stored encrypted and never shown again.'
                }
              >
                <input
                  type="password"
                  autoComplete="new-password"
                  value={form.secretAccessKey}
                  onChange={(e) => set({ secretAccessKey: e.target.value })}
                />
              </Field>
            </>
          ) : null}
          {form.mode === 'role' ? (
            <>
              <Field label="Role ARN" required error={errors.roleArn}>
                <input
                  className="mono"
                  value={form.roleArn}
                  onChange={(e) => set({ roleArn: e.target.value })}
                />
              </Field>
              <Field label="External id" error={errors.externalId}>
                <input value={form.externalId} onChange={(e) => set({ externalId: e.target.value })} />
              </Field>
              <Field
                label="Assume it with"
                error={errors.sourceAccount}
                hint="Another account’s credentials, or the server’s own."
              >
                <select value={form.sourceAccount} onChange={(e) => set({ sourceAccount: e.target.value })}>
                  <option value="">The server’s own credentials</option>
                  {(others.data?.items ?? [])
                    .filter((o) => o.id !== stored?.id)
                    .map((o) => (
                      <option key={o.id} value={o.id}>
                        {o.name}
                      </option>
                    ))}
                </select>
              </Field>
            </>
          ) : null}
          <Field
            label="Default region"
            error={errors.region}
            hint="For steps and targets that name none, e.g. us-east-1."
          >
            <input value={form.region} onChange={(e) => set({ region: e.target.value })} />
          </Field>
          <CheckList
            legend="Environments"
            hint="Where it may be used; none = anywhere."
            options={envs.data?.items ?? []}
            value={form.environments}
            onChange={(environments) => set({ environments })}
            error={errors.environments}
          />
          <CheckList
            legend="Tenants"
            hint="Whose deployments may use it; none = any."
            options={tenants.data?.items ?? []}
            value={form.tenants}
            onChange={(tenants) => set({ tenants })}
            error={errors.tenants}
          />
        </EditForm>
      ) : null}
      {stored ? (
        <AccountTest
          space={space}
          id={stored.id}
          {...(readOnly === undefined ? {} : { disabledReason: readOnly })}
        />
      ) : null}
    </>
  );
}
