/**
 * Infrastructure › ECS cluster targets: the list, and one target's form (account, region, cluster,
 * role, roles, environments, tenants) with its "Check" button, which describes the cluster with the
 * target's credentials (status, active services, running tasks) or says why it cannot.
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
import { targetBody, targetForm, type TargetForm, type TargetJson } from './admin-logic.js';
import { CheckList, nameLookup, EDIT_FORM, useNamed, type Page } from './shared.js';

/** The list of targets. */
export function EcsTargetsPage() {
  const space = useSpace();
  usePageTitle('ECS cluster targets');
  const targets = useApi<Page<TargetJson>>(spacePath(space, 'ecs-targets') + '?limit=500');
  const edit = useAllowed(space, 'ecs-target.edit');
  const envs = useNamed('environments');
  const accounts = useNamed('aws-accounts');
  const nameOf = nameLookup(envs.data?.items, accounts.data?.items);
  return (
    <>
      <PageHeader
        title="ECS cluster targets"
        subtitle="The clusters ECS steps deploy to, picked by role, environment and tenant."
        actions={
          <AddLink
            to={paths.infrastructure(space, 'ecs-targets/new')}
            label="Add ECS target"
            edit={edit}
            denied="button"
          />
        }
      />
      <ListState list={targets} loading="Loading ECS targets" empty="No ECS cluster targets yet.">
        Add one: the cluster, its region and AWS account, and the roles and environments it serves.
      </ListState>
      <ListTable
        items={targets.data?.items}
        columns={['Name', 'Cluster', 'AWS account', 'Roles', 'Environments']}
        row={(t) => (
          <tr key={t.id}>
            <td>
              <Link to={paths.infrastructure(space, `ecs-targets/${encodeURIComponent(t.id)}`)}>
                {t.name}
              </Link>
            </td>
            <td>
              <span className="mono">{t.cluster}</span> <span className="muted">({t.region})</span>
            </td>
            <td>{t.awsAccount ? nameOf(t.awsAccount) : 'Server’s own'}</td>
            <td>{t.roles.join(', ')}</td>
            <td>{t.environments.map(nameOf).join(', ')}</td>
          </tr>
        )}
      />
    </>
  );
}

/** What the Check button answers. */
interface CheckResult {
  cluster: string;
  clusterArn: string;
  region: string;
  account: string;
  status: string;
  activeServicesCount: number;
  runningTasksCount: number;
  pendingTasksCount: number;
}

/** The Check button and what ECS said. */
function TargetCheck({ space, id, disabledReason }: { space: string; id: string; disabledReason?: string }) {
  const check = useMutation({
    mutationFn: async () =>
      (await request<CheckResult>('POST', spacePath(space, 'ecs-targets', id, 'check'))).data,
  });
  const c = check.data;
  return (
    <section className="card" aria-labelledby="target-check">
      <h2 id="target-check">Check the cluster</h2>
      <p className="muted">
        Describes the cluster with the target’s AWS account and role, as a deployment would.
      </p>
      <Button onClick={() => check.mutate()} busy={check.isPending} disabledReason={disabledReason}>
        Check
      </Button>
      <div aria-live="polite">
        {c ? (
          <div className="notice notice-success">
            <p className="admin-tight">
              Cluster <span className="mono">{c.cluster}</span> is <strong>{c.status}</strong> in {c.region}{' '}
              (account <span className="mono">{c.account}</span>).
            </p>
            <dl className="admin-facts">
              <dt>Active services</dt>
              <dd>{c.activeServicesCount}</dd>
              <dt>Running tasks</dt>
              <dd>{c.runningTasksCount}</dd>
              <dt>Pending tasks</dt>
              <dd>{c.pendingTasksCount}</dd>
            </dl>
          </div>
        ) : null}
        <ErrorMessage error={check.error} title="The check failed" />
      </div>
    </section>
  );
}

/** One target: create (`:id` = new) or edit. */
export function EcsTargetEditPage() {
  const space = useSpace();
  const id = useParams().id ?? 'new';
  const isNew = id === 'new';
  const navigate = useNavigate();
  const collection = spacePath(space, 'ecs-targets');
  const target = useApi<TargetJson>(isNew ? undefined : `${collection}/${encodeURIComponent(id)}`);
  const stored = target.data;
  usePageTitle(stored ? `ECS target ${stored.name}` : 'New ECS target');
  const edit = useAllowed(space, 'ecs-target.edit');
  const envs = useNamed('environments');
  const tenants = useNamed('tenants');
  const accounts = useNamed('aws-accounts');
  const [form, setForm] = useFormFrom(stored, targetForm, () => targetForm(undefined));
  const set = (patch: Partial<TargetForm>) => setForm((f) => ({ ...f, ...patch }));
  const { save, saved, errors, submit } = useSaveForm<TargetJson>({
    collection,
    current: stored,
    root: 'ecs-target',
    toDocument: () => targetBody(form, stored),
    onCreated: (created) =>
      void navigate(paths.infrastructure(space, `ecs-targets/${encodeURIComponent(created.id)}`)),
  });
  const readOnly = edit.allowed ? undefined : edit.reason;
  const tenanted = form.tenantedParticipation !== 'untenanted';

  return (
    <>
      <PageHeader
        title={stored ? `ECS target ${stored.name}` : 'New ECS target'}
        subtitle={<Link to={paths.infrastructure(space, 'ecs-targets')}>All ECS cluster targets</Link>}
      />
      {!isNew && target.isPending ? <Loading what="Loading the target" /> : null}
      <ErrorMessage error={target.error} />
      {isNew || stored ? (
        <EditForm
          {...EDIT_FORM}
          legend="ECS cluster target"
          edit={edit}
          onSubmit={submit}
          save={save}
          saved={saved && !isNew}
          hasFieldErrors={Object.keys(errors).length > 0}
          onReload={() => void target.refetch()}
          submitLabel={isNew ? 'Create' : 'Save'}
        >
          <Field label="Name" required error={errors.name}>
            <input value={form.name} onChange={(e) => set({ name: e.target.value })} />
          </Field>
          <Field label="Description" error={errors.description}>
            <input value={form.description} onChange={(e) => set({ description: e.target.value })} />
          </Field>
          <Field label="AWS account" error={errors.awsAccount}>
            <select value={form.awsAccount} onChange={(e) => set({ awsAccount: e.target.value })}>
              <option value="">The server’s own credentials</option>
              {(accounts.data?.items ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Region" required error={errors.region} hint="e.g. us-east-1">
            <input value={form.region} onChange={(e) => set({ region: e.target.value })} />
          </Field>
          <Field label="Cluster" required error={errors.cluster} hint="The cluster’s name or ARN.">
            <input className="mono" value={form.cluster} onChange={(e) => set({ cluster: e.target.value })} />
          </Field>
          <Field
            label="Role to assume"
            error={errors.assumeRole ?? errors['assumeRole.roleArn']}
            hint="Optional: an IAM role ARN assumed with the account’s credentials before calling ECS."
          >
            <input
              className="mono"
              value={form.assumeRoleArn}
              onChange={(e) => set({ assumeRoleArn: e.target.value })}
            />
          </Field>
          <Field
            label="Roles"
            required
            error={errors.roles}
            hint="Comma-separated; steps pick targets by role, e.g. web, api."
          >
            <input value={form.roles} onChange={(e) => set({ roles: e.target.value })} />
          </Field>
          <CheckList
            legend="Environments (at least one)"
            options={envs.data?.items ?? []}
            value={form.environments}
            onChange={(environments) => set({ environments })}
            error={errors.environments}
          />
          <Field label="Tenanted deployments" error={errors.tenantedParticipation}>
            <select
              value={form.tenantedParticipation}
              onChange={(e) =>
                set({ tenantedParticipation: e.target.value as TargetForm['tenantedParticipation'] })
              }
            >
              <option value="untenanted">Untenanted only</option>
              <option value="tenanted">Tenanted only</option>
              <option value="both">Both</option>
            </select>
          </Field>
          {tenanted ? (
            <>
              <CheckList
                legend="Tenants"
                options={tenants.data?.items ?? []}
                value={form.tenants}
                onChange={(tenants) => set({ tenants })}
                error={errors.tenants}
              />
              <Field
                label="Tenant tags"
                error={errors.tenantTags}
                hint="Comma-separated Set/Tag, e.g. Tier/Gold."
              >
                <input value={form.tenantTags} onChange={(e) => set({ tenantTags: e.target.value })} />
              </Field>
            </>
          ) : null}
        </EditForm>
      ) : null}
      {stored ? (
        <TargetCheck
          space={space}
          id={stored.id}
          {...(readOnly === undefined ? {} : { disabledReason: readOnly })}
        />
      ) : null}
    </>
  );
}
