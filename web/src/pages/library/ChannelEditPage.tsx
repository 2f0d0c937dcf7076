/**
 * A project's channel (or a new one): name, lifecycle override, default, tenant tags, and version
 * rules per package reference with the live "which tags match" check of RuleEditor.
 */
import { useNavigate, useParams } from 'react-router';
import { spacePath } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { ProjectTabs } from '../../components/ProjectTabs.js';
import { Loading, PageHeader } from '../../components/common.js';
import {
  EditForm,
  useAllowed,
  useDeleteResource,
  useFormFrom,
  useSaveForm,
} from '../../components/resource-form.js';
import {
  channelToForm,
  emptyChannelForm,
  formToChannel,
  newRule,
  packageReferences,
  referenceKey,
} from './channel-form.js';
import { channelsPath } from './ChannelsPage.js';
import { RuleEditor } from './RuleEditor.js';
import { ConfirmDelete } from './shared.js';
import { ColouredTag, tagSetsPath } from './TagSetsPage.js';
import { tagChoices, toggle } from './tenant-form.js';
import type { ChannelJson, LifecycleJson, Page, ProcessJson, ProjectJson, TagSetJson } from './types.js';

/** The errors below `rules[index]`. */
function ruleErrors(errors: Record<string, string>, index: number): Record<string, string> {
  const prefix = `rules[${index}]`;
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors)) {
    if (key === prefix) out[''] ??= message;
    else if (key.startsWith(`${prefix}.`)) out[key.slice(prefix.length + 1)] ??= message;
  }
  return out;
}

/** See the module comment. */
export function ChannelEditPage() {
  const space = useSpace();
  const params = useParams();
  const projectParam = params.project ?? '';
  const id = params.channel ?? 'new';
  const isNew = id === 'new';
  const navigate = useNavigate();
  const collection = channelsPath(space, projectParam);
  const project = useApi<ProjectJson>(spacePath(space, 'projects', projectParam));
  const channel = useApi<ChannelJson>(isNew ? undefined : `${collection}/${encodeURIComponent(id)}`);
  const process = useApi<ProcessJson>(spacePath(space, 'projects', projectParam, 'process'));
  const lifecycles = useApi<Page<LifecycleJson>>(`${spacePath(space, 'lifecycles')}?limit=500`);
  const sets = useApi<Page<TagSetJson>>(tagSetsPath(space));
  const edit = useAllowed(space, 'project.edit', { projectId: project.data?.id ?? projectParam });
  const title = isNew ? 'New channel' : `Channel ${channel.data?.name ?? ''}`;
  usePageTitle(`${title} · ${project.data?.name ?? projectParam}`);
  const [form, setForm] = useFormFrom(channel.data, channelToForm, emptyChannelForm);

  const references = packageReferences(process.data);
  const { save, saved, errors, hasFieldErrors, submit } = useSaveForm<ChannelJson>({
    collection,
    current: channel.data,
    root: 'channel',
    toDocument: () => formToChannel(form, references),
    onCreated: (created) =>
      void navigate(paths.projectChannel(space, projectParam, created.id), { replace: true }),
  });
  const remove = useDeleteResource(collection, channel.data);
  const projectLifecycle = (lifecycles.data?.items ?? []).find((l) => l.id === project.data?.lifecycle)?.name;

  return (
    <>
      <PageHeader
        title={`${project.data?.name ?? projectParam}: ${title}`}
        actions={
          channel.data ? (
            <ConfirmDelete
              what={channel.data.name}
              busy={remove.isPending}
              disabledReason={edit.allowed ? undefined : edit.reason}
              onConfirm={() =>
                remove.mutate(undefined, {
                  onSuccess: () => void navigate(paths.projectChannels(space, projectParam)),
                })
              }
            />
          ) : null
        }
      />
      <ProjectTabs space={space} project={projectParam} />
      {!isNew && channel.isPending ? <Loading what="Loading the channel" /> : null}
      <ErrorMessage error={channel.error} />
      <ErrorMessage error={process.error} title="The process could not be read" />
      <ErrorMessage error={remove.error} title="Not deleted" />
      {isNew || channel.data ? (
        <EditForm
          className="library-form"
          fieldsetClassName="library-plain"
          legend="Channel"
          edit={edit}
          onSubmit={submit}
          save={save}
          saved={saved}
          hasFieldErrors={hasFieldErrors}
          onReload={() => void channel.refetch()}
          submitLabel={isNew ? 'Create channel' : 'Save channel'}
        >
          <div className="card">
            <Field label="Name" required error={errors.name}>
              <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
            </Field>
            <Field label="Description" error={errors.description}>
              <input
                value={form.description}
                onChange={(e) => setForm({ ...form, description: e.target.value })}
              />
            </Field>
            <Field label="Lifecycle" error={errors.lifecycle}>
              <select
                value={form.lifecycle}
                onChange={(e) => setForm({ ...form, lifecycle: e.target.value })}
              >
                <option value="">The project’s{projectLifecycle ? ` (${projectLifecycle})` : ''}</option>
                {(lifecycles.data?.items ?? []).map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            </Field>
            <label className="library-check">
              <input
                type="checkbox"
                checked={form.isDefault}
                onChange={(e) => setForm({ ...form, isDefault: e.target.checked })}
              />{' '}
              Default channel (a release names no channel: this one, when its rules accept the versions)
            </label>
          </div>
          <section className="card" aria-labelledby="channel-tenant-tags">
            <h2 id="channel-tenant-tags">Tenant tags</h2>
            <p className="muted">Without tags the channel deploys to every tenant.</p>
            {tagChoices(sets.data?.items ?? []).map((group) => (
              <fieldset key={group.set} className="library-plain library-tag-group">
                <legend>{group.set}</legend>
                {group.tags.map((t) => (
                  <label key={t.value} className="library-check">
                    <input
                      type="checkbox"
                      checked={form.tenantTags.includes(t.value)}
                      onChange={(e) =>
                        setForm({ ...form, tenantTags: toggle(form.tenantTags, t.value, e.target.checked) })
                      }
                    />{' '}
                    <ColouredTag name={t.name} color={t.color} />
                    <span className="visually-hidden"> ({t.value})</span>
                  </label>
                ))}
              </fieldset>
            ))}
          </section>
          <h2>Version rules</h2>
          {form.rules.length === 0 ? (
            <p className="muted">No rules: every package reference takes the newest version of its feed.</p>
          ) : null}
          {form.rules.map((rule, i) => (
            <RuleEditor
              key={rule.key}
              space={space}
              index={i}
              rule={rule}
              references={references}
              errors={ruleErrors(errors, i)}
              onChange={(r) => setForm((f) => ({ ...f, rules: f.rules.map((x, j) => (j === i ? r : x)) }))}
              onRemove={() => setForm((f) => ({ ...f, rules: f.rules.filter((_, j) => j !== i) }))}
            />
          ))}
          {edit.allowed ? (
            <Button
              onClick={() =>
                setForm((f) => ({
                  ...f,
                  // A first rule starts on the process's first reference, so the check shows at once.
                  rules: [
                    ...f.rules,
                    newRule(f.rules.length === 0 && references[0] ? [referenceKey(references[0])] : []),
                  ],
                }))
              }
            >
              Add version rule
            </Button>
          ) : null}
        </EditForm>
      ) : null}
    </>
  );
}
