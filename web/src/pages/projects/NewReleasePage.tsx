/**
 * Create a release: pick the channel (in the URL, `?channel=`), each package's version from its
 * feed's tags that the channel allows (the newest preselected, as the server would pick), the
 * release version (the template's preview, editable) and notes. The choices come from the server's
 * release plan (GET /projects/{project}/release-plan), which applies release creation's own rules.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError, request, spacePath, withQuery } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { Button } from '../../components/Button.js';
import { Loading, PageHeader } from '../../components/common.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { ProjectTabs } from '../../components/ProjectTabs.js';
import { fieldErrors } from '../../lib/field-errors.js';
import { refreshReleases, useChannels, useProject } from './api.js';
import type { ReleasePlanView, ReleaseView } from './model.js';
import { packageKey, packageVersions, pickTag } from './release-logic.js';

/** See the module comment. */
export function NewReleasePage() {
  usePageTitle('Create release');
  const space = useSpace();
  const projectParam = useParams().project ?? '';
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { can } = useSession();
  const project = useProject(space, projectParam);
  const channels = useChannels(space, projectParam);
  const defaultChannel = channels.data?.items.find((c) => c.isDefault) ?? channels.data?.items[0];
  const channel = params.get('channel') ?? defaultChannel?.name;
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [version, setVersion] = useState<string | undefined>(undefined);
  const [notes, setNotes] = useState('');

  const planBase = spacePath(space, 'projects', projectParam, 'release-plan');
  const plan = useApi<ReleasePlanView>(channel === undefined ? undefined : withQuery(planBase, { channel }));
  const packages = plan.data?.packages ?? [];
  const versions = packageVersions(packages, chosen);
  // The template's preview with the chosen versions (a second plan read only when they differ).
  const newestVersions = packageVersions(packages, {});
  const differs = versions.join(' ') !== newestVersions.join(' ');
  const preview = useApi<ReleasePlanView>(
    channel === undefined || !differs ? undefined : withQuery(planBase, { channel, package: versions }),
  );
  const previewVersion = differs ? (preview.data?.version ?? plan.data?.version) : plan.data?.version;
  const shownVersion = version ?? previewVersion ?? '';

  const mayCreate = project.data
    ? can(space, 'release.create', { projectId: project.data.id })
    : { allowed: false, reason: 'Loading…' };

  const create = useMutation({
    mutationFn: () =>
      request<ReleaseView>('POST', spacePath(space, 'releases'), {
        body: {
          project: project.data?.id ?? projectParam,
          ...(channel === undefined ? {} : { channel }),
          packages: versions,
          // Untouched, the server makes the version from the template (what the preview shows).
          ...(version === undefined || version.trim() === '' ? {} : { version: version.trim() }),
          notes,
        },
      }),
    onSuccess: async (answer) => {
      await refreshReleases(client, space);
      await navigate(paths.release(space, projectParam, answer.data.version));
    },
  });
  const errors = create.error instanceof ApiError ? fieldErrors(create.error.issues, 'release') : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const blocked = packages.some((p) => pickTag(p, chosen[packageKey(p)]) === '');

  return (
    <>
      <PageHeader
        title="Create release"
        subtitle={
          <>
            of <Link to={paths.project(space, projectParam)}>{project.data?.name ?? projectParam}</Link>
          </>
        }
      />
      <ProjectTabs space={space} project={projectParam} />
      <ErrorMessage error={project.error ?? channels.error ?? plan.error} />
      <form className="card release-form" onSubmit={submit} noValidate>
        {create.error && Object.keys(errors).length === 0 ? <ErrorMessage error={create.error} /> : null}
        <Field
          label="Channel"
          hint="The channel decides the lifecycle and which package versions are allowed."
          error={errors.channel}
        >
          <select
            value={channel ?? ''}
            onChange={(e) => {
              setChosen({});
              setVersion(undefined);
              setParams({ channel: e.target.value }, { replace: true });
            }}
          >
            {channels.data?.items.map((c) => (
              <option key={c.id} value={c.name}>
                {c.name}
                {c.isDefault ? ' (default)' : ''}
              </option>
            ))}
          </select>
        </Field>

        <fieldset className="release-packages">
          <legend>Packages</legend>
          {plan.isPending && channel !== undefined ? <Loading what="Reading the feeds’ tags" /> : null}
          {plan.data && packages.length === 0 ? (
            <p className="muted">The deployment process uses no packages.</p>
          ) : null}
          {packages.map((p) => {
            const key = packageKey(p);
            const value = pickTag(p, chosen[key]);
            return (
              <Field
                key={key}
                label={`${p.package} (step ${p.step})`}
                hint={
                  <>
                    Image <span className="mono">{p.image}</span> in feed {p.feedName}
                    {p.rule ? `; the channel allows ${p.rule}` : ''}
                    {p.newest ? `; newest allowed: ${p.newest}` : ''}.
                  </>
                }
                error={p.problem ?? errors.packages}
              >
                <select
                  value={value}
                  disabled={p.tags.length === 0}
                  onChange={(e) => {
                    setChosen({ ...chosen, [key]: e.target.value });
                    setVersion(undefined);
                  }}
                >
                  {p.tags.length === 0 ? <option value="">No allowed tag</option> : null}
                  {p.tags.map((t) => (
                    <option key={t.tag} value={t.tag}>
                      {t.tag}
                      {t.tag === p.newest ? ' (newest)' : ''}
                    </option>
                  ))}
                </select>
              </Field>
            );
          })}
        </fieldset>

        <Field
          label="Release version"
          required
          hint={
            plan.data ? (
              <>
                From the template <span className="mono">{plan.data.versionTemplate}</span>
                {plan.data.versionProblem ? ` (it cannot make one now: ${plan.data.versionProblem})` : ''};
                edit it to choose another.
              </>
            ) : undefined
          }
          error={errors.version}
        >
          <input value={shownVersion} onChange={(e) => setVersion(e.target.value)} autoComplete="off" />
        </Field>
        <Field label="Release notes" hint="Shown on the release page." error={errors.notes}>
          <textarea value={notes} rows={4} onChange={(e) => setNotes(e.target.value)} />
        </Field>
        <div className="form-actions">
          <Button
            type="submit"
            variant="primary"
            busy={create.isPending}
            disabledReason={
              !mayCreate.allowed
                ? mayCreate.reason
                : blocked
                  ? 'A package has no version the channel allows: push a matching tag or choose another channel.'
                  : undefined
            }
          >
            Create release
          </Button>
          <Link to={paths.project(space, projectParam)}>Cancel</Link>
        </div>
      </form>
    </>
  );
}
