/**
 * The deploy form of a release: environments (those the lifecycle allows now), tenants by name or
 * by tag (for a project that deploys to tenants), prompted variables, steps to skip and comments.
 * One POST /deployments per environment; a single deployment opens its page, several are listed.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, request, spacePath, withQuery } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { useApi, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { fieldErrors } from '../../lib/field-errors.js';
import { ALL, refreshReleases, useTagSets, useTenants } from './api.js';
import type { DeploymentView, PageOf, ProjectView, ReleaseView, VariableView } from './model.js';
import { isConnected, tenantsByTags, type EnvironmentAction } from './release-logic.js';
import { DeploymentLinks } from './DeploymentLinks.js';

type TenantMode = 'none' | 'names' | 'tags';

/** See the module comment. `environment` preselects one (by name; '' = none). */
export function DeployForm({
  project,
  release,
  environment,
  actions,
  onClose,
}: {
  project: ProjectView;
  release: ReleaseView;
  environment: string;
  actions: EnvironmentAction[];
  onClose: () => void;
}) {
  const space = useSpace();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { can } = useSession();
  const mode = project.tenantedMode ?? 'untenanted';
  const tenanted = mode !== 'untenanted';
  const tenants = useTenants(space, tenanted);
  const tagSets = useTagSets(space, tenanted);
  const variables = useApi<PageOf<VariableView>>(
    withQuery(spacePath(space, 'projects', project.id, 'variables'), { limit: ALL }),
  );
  const preselected = actions.find((a) => a.environment.name.toLowerCase() === environment.toLowerCase());
  const [envIds, setEnvIds] = useState<string[]>(preselected ? [preselected.environment.id] : []);
  const [tenantMode, setTenantMode] = useState<TenantMode>(mode === 'tenanted' ? 'names' : 'none');
  const [tenantIds, setTenantIds] = useState<string[]>([]);
  const [tags, setTags] = useState<string[]>([]);
  const [prompted, setPrompted] = useState<Record<string, string>>({});
  const [skip, setSkip] = useState<string[]>([]);
  const [comments, setComments] = useState('');

  const toggle = (list: string[], value: string, on: boolean) =>
    on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value);
  const promptedVariables = [
    ...new Map(
      (variables.data?.items ?? []).filter((v) => v.prompt).map((v) => [v.name.toLowerCase(), v]),
    ).values(),
  ];
  const steps = release.processSnapshot.steps ?? [];
  const connected = (tenants.data?.items ?? []).filter((t) =>
    (t.projects ?? []).some((p) => p.project === project.id),
  );
  const envName = (id: string) => actions.find((a) => a.environment.id === id)?.environment.name ?? id;
  const matched = envIds.flatMap((envId) =>
    tenantsByTags(tenants.data?.items ?? [], tags, project.id, envId).map(
      (t) => `${t.name} in ${envName(envId)}`,
    ),
  );

  const describe = (d: DeploymentView) => {
    const tenant = tenants.data?.items.find((t) => t.id === d.tenantId)?.name;
    return `${tenant ?? 'Untenanted'} in ${envName(d.environmentId)}`;
  };

  const deploy = useMutation({
    mutationFn: async () => {
      const created: DeploymentView[] = [];
      for (const environmentId of envIds) {
        const answer = await request<{ items: DeploymentView[] }>('POST', spacePath(space, 'deployments'), {
          body: {
            release: release.id,
            environment: environmentId,
            ...(tenantMode === 'names' ? { tenants: tenantIds } : {}),
            ...(tenantMode === 'tags' ? { tenantTags: tags } : {}),
            prompted: Object.fromEntries(Object.entries(prompted).filter(([, v]) => v !== '')),
            skipSteps: skip,
            comments,
          },
        });
        created.push(...answer.data.items);
      }
      return created;
    },
    onSuccess: async (items) => {
      await refreshReleases(client, space);
      const [only] = items;
      if (items.length === 1 && only) await navigate(paths.deployment(space, only.id));
    },
  });
  const errors = deploy.error instanceof ApiError ? fieldErrors(deploy.error.issues, 'deployment') : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    deploy.mutate();
  };
  const noEnvironment = envIds.length === 0 ? 'Choose at least one environment.' : undefined;
  const noTenant =
    tenantMode === 'names' && tenantIds.length === 0
      ? 'Choose at least one tenant.'
      : tenantMode === 'tags' && tags.length === 0
        ? 'Choose at least one tenant tag.'
        : undefined;

  return (
    <section className="card deploy-form" aria-labelledby="deploy-title">
      <h2 id="deploy-title">Deploy release {release.version}</h2>
      {deploy.data && deploy.data.length > 1 ? (
        <DeploymentLinks space={space} items={deploy.data} label={describe} />
      ) : null}
      <form onSubmit={submit} noValidate>
        {deploy.error ? <ErrorMessage error={deploy.error} /> : null}
        <fieldset>
          <legend>Environments</legend>
          {actions.map((a) => {
            const permission = can(space, 'deployment.create', {
              projectId: project.id,
              environmentId: a.environment.id,
            });
            const reason = a.disabledReason ?? (permission.allowed ? undefined : permission.reason);
            const reasonId = `deploy-env-reason-${a.environment.id}`;
            return (
              <div key={a.environment.id} className="check">
                <label>
                  <input
                    type="checkbox"
                    checked={envIds.includes(a.environment.id)}
                    disabled={reason !== undefined}
                    aria-describedby={reason ? reasonId : undefined}
                    onChange={(e) => setEnvIds(toggle(envIds, a.environment.id, e.target.checked))}
                  />{' '}
                  {a.environment.name}
                </label>
                {reason ? (
                  <span id={reasonId} className="muted check-reason">
                    {reason}
                  </span>
                ) : null}
              </div>
            );
          })}
          {errors.environment ? <p className="field-error">{errors.environment}</p> : null}
        </fieldset>

        {tenanted ? (
          <fieldset>
            <legend>Tenants</legend>
            <div className="choice-row" role="radiogroup" aria-label="Deploy to">
              {mode === 'both' ? (
                <label>
                  <input
                    type="radio"
                    name="tenant-mode"
                    checked={tenantMode === 'none'}
                    onChange={() => setTenantMode('none')}
                  />{' '}
                  No tenants
                </label>
              ) : null}
              <label>
                <input
                  type="radio"
                  name="tenant-mode"
                  checked={tenantMode === 'names'}
                  onChange={() => setTenantMode('names')}
                />{' '}
                Tenants by name
              </label>
              <label>
                <input
                  type="radio"
                  name="tenant-mode"
                  checked={tenantMode === 'tags'}
                  onChange={() => setTenantMode('tags')}
                />{' '}
                Tenants by tag
              </label>
            </div>
            {tenantMode === 'names' ? (
              <div className="choices" role="group" aria-label="Tenants">
                {connected.length === 0 ? (
                  <p className="muted">No tenant is connected to this project.</p>
                ) : null}
                {connected.map((t) => {
                  const off = envIds.length > 0 && !envIds.some((e) => isConnected(t, project.id, e));
                  return (
                    <label key={t.id}>
                      <input
                        type="checkbox"
                        checked={tenantIds.includes(t.id)}
                        onChange={(e) => setTenantIds(toggle(tenantIds, t.id, e.target.checked))}
                      />{' '}
                      {t.name}
                      {off ? (
                        <span className="muted"> (not connected in the chosen environments)</span>
                      ) : null}
                    </label>
                  );
                })}
              </div>
            ) : null}
            {tenantMode === 'tags' ? (
              <>
                {(tagSets.data?.items ?? []).map((set) => (
                  <div key={set.id} className="choices" role="group" aria-label={`Tag set ${set.name}`}>
                    <span className="choices-title">{set.name}</span>
                    {set.tags.map((tag) => {
                      const value = `${set.name}/${tag.name}`;
                      return (
                        <label key={value}>
                          <input
                            type="checkbox"
                            checked={tags.includes(value)}
                            onChange={(e) => setTags(toggle(tags, value, e.target.checked))}
                          />{' '}
                          {tag.name}
                        </label>
                      );
                    })}
                  </div>
                ))}
                {tagSets.data && tagSets.data.items.length === 0 ? (
                  <p className="muted">No tag sets yet: add them in the library and tag the tenants.</p>
                ) : null}
                <p className="muted" aria-live="polite">
                  {tags.length === 0
                    ? 'Tags of one set: any of them; of several sets: one of each.'
                    : matched.length === 0
                      ? 'No connected tenant has these tags.'
                      : `Deploys to ${matched.join(', ')}.`}
                </p>
              </>
            ) : null}
            {errors.tenants || errors.tenantTags ? (
              <p className="field-error">{errors.tenants ?? errors.tenantTags}</p>
            ) : null}
          </fieldset>
        ) : null}

        {promptedVariables.length > 0 ? (
          <fieldset>
            <legend>Prompted variables</legend>
            {promptedVariables.map((v) => (
              <PromptedField
                key={v.id}
                variable={v}
                value={prompted[v.name] ?? ''}
                error={errors[`prompted.${v.name}`]}
                onChange={(value) => setPrompted({ ...prompted, [v.name]: value })}
              />
            ))}
          </fieldset>
        ) : null}

        {steps.length > 0 ? (
          <fieldset>
            <legend>Steps to skip</legend>
            <div className="choices">
              {steps.map((s) => (
                <label key={s.name}>
                  <input
                    type="checkbox"
                    checked={skip.includes(s.name)}
                    disabled={s.required === true}
                    onChange={(e) => setSkip(toggle(skip, s.name, e.target.checked))}
                  />{' '}
                  {s.name}
                  {s.required ? <span className="muted"> (required)</span> : null}
                </label>
              ))}
            </div>
            {errors.skipSteps ? <p className="field-error">{errors.skipSteps}</p> : null}
          </fieldset>
        ) : null}

        <Field label="Comments" hint="Shown with the deployment." error={errors.comments}>
          <textarea rows={2} value={comments} onChange={(e) => setComments(e.target.value)} />
        </Field>
        <div className="form-actions">
          <Button
            type="submit"
            variant="primary"
            busy={deploy.isPending}
            disabledReason={noEnvironment ?? noTenant}
          >
            Deploy
          </Button>
          <Button onClick={onClose}>Cancel</Button>
        </div>
      </form>
    </section>
  );
}

/** One prompted variable's input, by its control. */
function PromptedField({
  variable,
  value,
  error,
  onChange,
}: {
  variable: VariableView;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  const prompt = variable.prompt;
  if (!prompt) return null;
  const label = prompt.label || variable.name;
  if (prompt.control === 'checkbox') {
    return (
      <div className="check">
        <label>
          <input
            type="checkbox"
            checked={value === 'True'}
            onChange={(e) => onChange(e.target.checked ? 'True' : 'False')}
          />{' '}
          {label}
        </label>
        {error ? <p className="field-error">{error}</p> : null}
      </div>
    );
  }
  return (
    <Field label={label} hint={prompt.description} required={prompt.required} error={error}>
      {prompt.control === 'multi-line' ? (
        <textarea rows={3} value={value} onChange={(e) => onChange(e.target.value)} />
      ) : prompt.control === 'select' ? (
        <select value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">Choose…</option>
          {Object.entries(prompt.options ?? {}).map(([v, text]) => (
            <option key={v} value={v}>
              {text}
            </option>
          ))}
        </select>
      ) : (
        <input
          type={variable.type === 'sensitive' ? 'password' : 'text'}
          autoComplete="off"
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
