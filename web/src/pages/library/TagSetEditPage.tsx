/** Library › Tag sets › one (or a new one): name, description and the tags in order with colours. */
import { useNavigate, useParams } from 'react-router';
import { spacePath } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { Button } from '../../components/Button.js';
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
import { moved } from './environment-order.js';
import { ConfirmDelete, LibrarySection } from './shared.js';
import { emptyTagSetForm, formToTagSet, newTag, tagSetToForm, type TagSetForm } from './tag-set-form.js';
import type { TagSetJson } from './types.js';

/** See the module comment. */
export function TagSetEditPage() {
  const space = useSpace();
  const id = useParams().id ?? 'new';
  const isNew = id === 'new';
  const navigate = useNavigate();
  const collection = spacePath(space, 'tag-sets');
  const tagSet = useApi<TagSetJson>(isNew ? undefined : `${collection}/${encodeURIComponent(id)}`);
  const edit = useAllowed(space, 'tag-set.edit');
  const title = isNew ? 'New tag set' : `Tag set ${tagSet.data?.name ?? ''}`;
  usePageTitle(title);
  const [form, setForm] = useFormFrom(tagSet.data, tagSetToForm, emptyTagSetForm);

  const { save, saved, errors, hasFieldErrors, submit } = useSaveForm<TagSetJson>({
    collection,
    current: tagSet.data,
    root: 'tag-set',
    toDocument: () => formToTagSet(form),
    onCreated: (created) =>
      void navigate(paths.libraryItem(space, 'tag-sets', created.id), { replace: true }),
  });
  const remove = useDeleteResource(collection, tagSet.data);
  const setTag = (i: number, patch: Partial<TagSetForm['tags'][number]>) =>
    setForm((f) => ({ ...f, tags: f.tags.map((t, j) => (j === i ? { ...t, ...patch } : t)) }));

  return (
    <LibrarySection space={space}>
      <PageHeader
        title={title}
        actions={
          tagSet.data ? (
            <ConfirmDelete
              what={tagSet.data.name}
              busy={remove.isPending}
              disabledReason={edit.allowed ? undefined : edit.reason}
              onConfirm={() =>
                remove.mutate(undefined, { onSuccess: () => void navigate(paths.library(space, 'tag-sets')) })
              }
            />
          ) : null
        }
      />
      {!isNew && tagSet.isPending ? <Loading what="Loading the tag set" /> : null}
      <ErrorMessage error={tagSet.error} />
      <ErrorMessage error={remove.error} title="Not deleted" />
      {isNew || tagSet.data ? (
        <EditForm
          className="card library-form"
          fieldsetClassName="library-plain"
          legend="Tag set"
          edit={edit}
          onSubmit={submit}
          save={save}
          saved={saved}
          hasFieldErrors={hasFieldErrors}
          onReload={() => void tagSet.refetch()}
          submitLabel={isNew ? 'Create tag set' : 'Save tag set'}
        >
          <Field label="Name" required error={errors.name} hint="Tags are written Name/Tag, so no “/”.">
            <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </Field>
          <Field label="Description" error={errors.description}>
            <input
              value={form.description}
              onChange={(e) => setForm({ ...form, description: e.target.value })}
            />
          </Field>
          <h2>Tags</h2>
          {form.tags.length === 0 ? <p className="muted">No tags yet.</p> : null}
          {form.tags.map((tag, i) => (
            <div
              key={tag.key}
              className="library-inline library-tag-row"
              role="group"
              aria-label={`Tag ${i + 1}`}
            >
              <Field label={`Tag ${i + 1} name`} required error={errors[`tags[${i}].name`]}>
                <input value={tag.name} onChange={(e) => setTag(i, { name: e.target.value })} />
              </Field>
              <Field label={`Tag ${i + 1} colour`} error={errors[`tags[${i}].color`]}>
                <input
                  type="color"
                  value={tag.color}
                  onChange={(e) => setTag(i, { color: e.target.value })}
                />
              </Field>
              <Field label={`Tag ${i + 1} description`} error={errors[`tags[${i}].description`]}>
                <input value={tag.description} onChange={(e) => setTag(i, { description: e.target.value })} />
              </Field>
              <div className="library-row-actions">
                <Button
                  aria-label={`Move tag ${tag.name || i + 1} up`}
                  disabled={i === 0}
                  onClick={() => setForm((f) => ({ ...f, tags: moved(f.tags, i, -1) }))}
                >
                  ↑
                </Button>
                <Button
                  aria-label={`Remove tag ${tag.name || i + 1}`}
                  onClick={() => setForm((f) => ({ ...f, tags: f.tags.filter((_, j) => j !== i) }))}
                >
                  Remove
                </Button>
              </div>
            </div>
          ))}
          {edit.allowed ? (
            <Button onClick={() => setForm((f) => ({ ...f, tags: [...f.tags, newTag('', f.tags.length)] }))}>
              Add tag
            </Button>
          ) : null}
        </EditForm>
      ) : null}
    </LibrarySection>
  );
}
