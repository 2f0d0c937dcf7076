/**
 * What the pages editing a space's resources (library, infrastructure, configuration) share: the
 * permission check that makes a form read-only, saving and deleting through the resource routes
 * (POST, PUT and DELETE with If-Match), a 412 explained with a reload, the API's errors by field,
 * the edit form with its save footer, and a list's loading line, empty state and table.
 */
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useState, type Dispatch, type FormEvent, type ReactNode, type SetStateAction } from 'react';
import { Link } from 'react-router';
import { ApiError, request, spacePath } from '../api/client.js';
import { useSession, type Allowed } from '../api/session.js';
import { fieldErrors } from '../lib/field-errors.js';
import type { AccessScope, Permission } from '../../../src/core/model/permissions.js';
import { Button } from './Button.js';
import { ErrorMessage } from './ErrorMessage.js';
import { EmptyState, Loading } from './common.js';

/** Whether the signed-in user may `permission` in `space` within `scope`: `{ allowed, reason }`. */
export function useAllowed(space: string, permission: Permission, scope: AccessScope = {}): Allowed {
  return useSession().can(space, permission, scope);
}

/** A notice that the page is read-only, and why. */
export function ReadOnlyNotice({ reason }: { reason: string | undefined }) {
  if (reason === undefined) return null;
  return (
    <p className="notice notice-info">
      <strong>Read-only.</strong> {reason}
    </p>
  );
}

/** The message for a write refused with 412: someone else saved first. */
export const CONFLICT_MESSAGE =
  'Someone changed this since you opened it. Reload to see their change, then make yours again.';

/** Shows a failed save: a conflict (412) with a reload button, else the API's message. */
export function SaveError({
  error,
  onReload,
  conflictMessage = CONFLICT_MESSAGE,
}: {
  error: unknown;
  onReload?: () => void;
  conflictMessage?: string;
}) {
  if (error === null || error === undefined) return null;
  if (error instanceof ApiError && error.status === 412) {
    return (
      <div className="notice notice-warning" role="alert">
        {conflictMessage}{' '}
        {onReload ? (
          <button type="button" className="btn btn-secondary" onClick={onReload}>
            Reload
          </button>
        ) : null}
      </div>
    );
  }
  return <ErrorMessage error={error} />;
}

/** The API's validation issues of `error` by field below `root` (`phases[0].name`, ...). */
export function errorsOf(error: unknown, root: string): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  // fieldErrors reads paths of identifiers; roots such as "tag-set" or "API key" are not.
  const safe = root.replace(/[^A-Za-z0-9_$]/g, '_');
  const issues = error.issues.map((i) => (i.startsWith(root) ? safe + i.slice(root.length) : i));
  return fieldErrors(issues, safe);
}

/** Refreshes every cached read whose path starts with `prefix`. */
export function invalidatePrefix(client: QueryClient, prefix: string): Promise<void> {
  return client.invalidateQueries({
    predicate: (q) => typeof q.queryKey[0] === 'string' && q.queryKey[0].startsWith(prefix),
  });
}

/** A resource collection of the space: `/api/spaces/{space}/<plural>` (channels under their project). */
export function collectionPath(space: string, plural: string, project?: string): string {
  return project === undefined ? spacePath(space, plural) : spacePath(space, 'projects', project, plural);
}

/** The resource as read (its id, and its version for If-Match), or undefined for a new one. */
type Stored = { id: string; version: number } | undefined;

/**
 * Saving one resource: POST to the collection when `current` is undefined, else PUT with If-Match
 * of the version read. Refreshes the collection's reads, then runs `onSaved`; answers the saved resource.
 */
export function useSaveResource<T extends { id: string }>(
  collection: string,
  current: Stored,
  options: { onSaved?: ((saved: T) => Promise<unknown>) | undefined } = {},
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (document: unknown) => {
      const answer = current
        ? await request<T>('PUT', `${collection}/${encodeURIComponent(current.id)}`, {
            body: document,
            ifMatch: current.version,
          })
        : await request<T>('POST', collection, { body: document });
      return answer.data;
    },
    onSuccess: async (saved) => {
      await invalidatePrefix(client, collection);
      await options.onSaved?.(saved);
    },
  });
}

/** Deleting one resource (If-Match of the version read); refreshes the collection's reads. */
export function useDeleteResource(collection: string, current: Stored) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      if (!current) return;
      await request('DELETE', `${collection}/${encodeURIComponent(current.id)}`, {
        ifMatch: current.version,
      });
    },
    onSuccess: () => invalidatePrefix(client, collection),
  });
}

/**
 * A form's state loaded from `data` whenever a new version of it arrives (after a save or a reload),
 * else `empty()` (a new resource). Answers the form and its setter.
 */
export function useFormFrom<D extends { id: string; version: number }, F>(
  data: D | undefined,
  toForm: (data: D) => F,
  empty: () => F,
): [F, Dispatch<SetStateAction<F>>] {
  const [form, setForm] = useState<F>(empty);
  const [loaded, setLoaded] = useState<string | undefined>(undefined);
  const stamp = data ? `${data.id}@${data.version}` : undefined;
  // Adjusting state while rendering: React's pattern for "reset when a prop changes".
  if (data !== undefined && stamp !== loaded) {
    setLoaded(stamp);
    setForm(toForm(data));
  }
  return [form, setForm];
}

/**
 * An edit page's save: the form's submit handler (POST when `current` is undefined, else PUT), the
 * "Saved." flag, and the API's issues by field below `root`. `onCreated` usually goes to the new
 * resource's page; `onSaved` refreshes more than the collection (awaited while the save is pending).
 */
export function useSaveForm<T extends { id: string }>({
  collection,
  current,
  root,
  toDocument,
  onCreated,
  onSaved,
}: {
  collection: string;
  current: Stored;
  root: string;
  toDocument: () => unknown;
  onCreated?: (created: T) => void;
  onSaved?: (saved: T) => Promise<unknown>;
}) {
  const [saved, setSaved] = useState(false);
  const save = useSaveResource<T>(collection, current, { onSaved });
  const errors = errorsOf(save.error, root);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const creating = current === undefined;
    save.mutate(toDocument(), {
      onSuccess: (result) => {
        setSaved(true);
        if (creating) onCreated?.(result);
      },
    });
  };
  // Issues outside the fields ('') are shown whole by SaveError, not as "marked above".
  const hasFieldErrors = Object.keys(errors).some((k) => k !== '');
  return { save, saved, errors, hasFieldErrors, submit };
}

/** What a form says when the API refused fields it marks. */
export const FIELD_ERRORS_MESSAGE = 'Not saved: correct the fields marked above.';

/** SaveFooter's props: the save's state, and what the form says and offers. */
export interface SaveFooterProps {
  save: { error: unknown; isPending: boolean };
  saved: boolean;
  hasFieldErrors: boolean;
  onReload: () => void;
  canEdit: boolean;
  submitLabel: string;
  fieldErrorsMessage?: string;
  conflictMessage?: string;
}

/**
 * The end of an edit form: why the save failed (fields marked above, a conflict, or the API's
 * message), "Saved.", and the submit button for those who may edit.
 */
export function SaveFooter({
  save,
  saved,
  hasFieldErrors,
  onReload,
  canEdit,
  submitLabel,
  fieldErrorsMessage = FIELD_ERRORS_MESSAGE,
  conflictMessage = CONFLICT_MESSAGE,
}: SaveFooterProps) {
  return (
    <>
      {hasFieldErrors ? (
        <p className="notice notice-danger" role="alert">
          {fieldErrorsMessage}
        </p>
      ) : (
        <SaveError error={save.error} onReload={onReload} conflictMessage={conflictMessage} />
      )}
      {saved && !save.isPending && !save.error ? (
        <p className="notice notice-success" role="status">
          Saved.
        </p>
      ) : null}
      {canEdit ? (
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={save.isPending}>
            {submitLabel}
          </Button>
        </div>
      ) : null}
    </>
  );
}

/**
 * An edit page's form: why it is read-only, its fields (all disabled then) under a legend for
 * screen readers, and the save footer. `validate` keeps the browser's own checks of the fields.
 */
export function EditForm({
  className,
  fieldsetClassName,
  legend,
  edit,
  onSubmit,
  validate = false,
  children,
  ...footer
}: Omit<SaveFooterProps, 'canEdit'> & {
  className: string;
  fieldsetClassName: string;
  legend: string;
  edit: Allowed;
  onSubmit: (e: FormEvent) => void;
  validate?: boolean;
  children: ReactNode;
}) {
  return (
    <form className={className} onSubmit={onSubmit} noValidate={!validate}>
      <ReadOnlyNotice reason={edit.allowed ? undefined : edit.reason} />
      <fieldset disabled={!edit.allowed} className={fieldsetClassName}>
        <legend className="visually-hidden">{legend}</legend>
        {children}
      </fieldset>
      <SaveFooter {...footer} canEdit={edit.allowed} />
    </form>
  );
}

/** A list page's "Add …" link; without the permission, why not (as text, or a disabled button). */
export function AddLink({
  to,
  label,
  edit,
  denied = 'text',
}: {
  to: string;
  label: string;
  edit: Allowed;
  denied?: 'text' | 'button';
}) {
  if (edit.allowed) {
    return (
      <Link className="btn btn-primary" to={to}>
        {label}
      </Link>
    );
  }
  return denied === 'button' ? (
    <Button disabledReason={edit.reason}>{label}</Button>
  ) : (
    <span className="muted">{edit.reason}</span>
  );
}

/**
 * A list's loading line and read error, and once read with no items, the empty state `empty`
 * (its text the children).
 */
export function ListState({
  list,
  loading,
  empty,
  children,
}: {
  list: { isPending: boolean; error: unknown; data: { items: readonly unknown[] } | undefined };
  loading: string;
  empty?: string;
  children?: ReactNode;
}) {
  return (
    <>
      {list.isPending ? <Loading what={loading} /> : null}
      <ErrorMessage error={list.error} />
      {empty !== undefined && list.data && list.data.items.length === 0 ? (
        <EmptyState title={empty}>{children}</EmptyState>
      ) : null}
    </>
  );
}

/** A column heading: its text, or one only screen readers read (a column of buttons or links). */
export type Column = string | { hidden: string };

/**
 * A list's table, once it has rows: the scrolling wrapper, a caption for screen readers, the
 * headings, and `row` of each item.
 */
export function ListTable<T>({
  items,
  row,
  columns,
  caption,
  label,
}: {
  items: readonly T[] | undefined;
  row: (item: T, index: number) => ReactNode;
  columns: Column[];
  caption?: ReactNode;
  label?: string;
}) {
  if (items === undefined || items.length === 0) return null;
  return (
    <div className="table-wrap">
      <table className="table" aria-label={label}>
        {caption === undefined ? null : <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={typeof c === 'string' ? c : c.hidden} scope="col">
                {typeof c === 'string' ? c : <span className="visually-hidden">{c.hidden}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{items.map((item, i) => row(item, i))}</tbody>
      </table>
    </div>
  );
}
