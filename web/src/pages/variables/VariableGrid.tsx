/**
 * The variable grid of a project or library set: name, value, type and scope per row, several
 * values of one name, details (scope, description, prompt) per row, and one save of the whole set
 * with If-Match. Sensitive values are write-only: a stored one shows as "Set" and can be replaced,
 * never read. A 412 says someone changed the set and offers a reload; a 400's issues are shown on
 * the row and field they name. Without the edit permission the grid is read-only and says why.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ApiError, request } from '../../api/client.js';
import type { Allowed } from '../../api/session.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading } from '../../components/common.js';
import { useScopeOptions, useVariableSet } from './data.js';
import {
  VARIABLE_TYPES,
  isDirty,
  newRow,
  rowErrors,
  scopeSummary,
  toDocument,
  toRows,
  type Row,
  type RowField,
  type VariableSetChange,
  type VariableType,
} from './grid-model.js';
import { RowDetails } from './RowDetails.js';

/** Grid props. */
export interface VariableGridProps {
  space: string;
  /** The API path of the set (`/api/spaces/S/projects/P/variables`). */
  path: string;
  /** The project (id or name) for its channels and steps; absent for a library set. */
  project?: string;
  /** Whether the user may change the set (and why not). */
  edit: Allowed;
  /** What the set is, for messages ("this project's variables"). */
  what: string;
}

type Errors = Map<string, Partial<Record<RowField, string>>>;

/** See the module comment. */
export function VariableGrid({ space, path, project, edit, what }: VariableGridProps) {
  const client = useQueryClient();
  const set = useVariableSet(path);
  const { options } = useScopeOptions(space, project);
  const [rows, setRows] = useState<Row[]>([]);
  const [loaded, setLoaded] = useState<{ version: number; at: number } | undefined>(undefined);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [replacing, setReplacing] = useState<Set<string>>(new Set());
  const [errors, setErrors] = useState<Errors>(new Map());
  const [failure, setFailure] = useState<unknown>(undefined);
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const readOnly = !edit.allowed;

  // A fresh read (first load, after a save, after a reload) replaces the rows (state adjusted while rendering).
  if (set.data && (!loaded || loaded.at !== set.dataUpdatedAt)) {
    setRows(toRows(set.data.items));
    setLoaded({ version: set.data.version, at: set.dataUpdatedAt });
    setOpen(new Set());
    setReplacing(new Set());
    setErrors(new Map());
  }

  const dirty = useMemo(() => (set.data ? isDirty(rows, set.data.items) : false), [rows, set.data]);

  if (set.isPending) return <Loading what="Loading variables" />;
  if (set.error) return <ErrorMessage error={set.error} title="The variables could not be read" />;

  const update = (key: string, change: Partial<Row>) =>
    setRows((list) => list.map((r) => (r.key === key ? { ...r, ...change } : r)));
  const toggle = (setter: typeof setOpen, key: string, on?: boolean) =>
    setter((s) => {
      const next = new Set(s);
      if (on ?? !next.has(key)) next.add(key);
      else next.delete(key);
      return next;
    });
  const add = (after?: Row) => {
    const row = newRow(after?.name ?? '');
    setRows((list) => {
      if (!after) return [...list, row];
      const at = list.findIndex((r) => r.key === after.key);
      return [...list.slice(0, at + 1), row, ...list.slice(at + 1)];
    });
    setSaved(undefined);
  };
  const remove = (key: string) => setRows((list) => list.filter((r) => r.key !== key));

  const reload = async () => {
    setConflict(false);
    setFailure(undefined);
    setSaved(undefined);
    setLoaded(undefined);
    await client.invalidateQueries({ queryKey: [path, 'all'] });
  };

  const save = async () => {
    if (!loaded) return;
    setSaving(true);
    setFailure(undefined);
    setConflict(false);
    setSaved(undefined);
    setErrors(new Map());
    try {
      const answer = await request<VariableSetChange>('PUT', path, {
        body: toDocument(rows),
        ifMatch: loaded.version,
      });
      const c = answer.data;
      setSaved(
        c.changed
          ? `Saved: ${c.added} added, ${c.updated} updated, ${c.removed} removed.`
          : 'Nothing to save: the variables are as stored.',
      );
      await client.invalidateQueries({ queryKey: [path, 'all'] });
      // Previews and release pages read the variables too.
      await client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).includes('/variables') });
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) setConflict(true);
      else if (error instanceof ApiError && error.status === 400 && error.issues.length > 0) {
        const byIndex = rowErrors(error.issues);
        const byKey: Errors = new Map();
        for (const [index, fields] of byIndex) {
          const row = rows[index];
          if (row) {
            byKey.set(row.key, fields);
            if (fields.scope || fields.prompt || fields.description) toggle(setOpen, row.key, true);
          }
        }
        setErrors(byKey);
        setFailure(error);
      } else setFailure(error);
    } finally {
      setSaving(false);
    }
  };

  const noSave = readOnly ? edit.reason : !dirty ? 'There are no changes to save.' : undefined;
  const accountName = (id: string) => options.awsAccounts.find((a) => a.id === id)?.name ?? id;

  return (
    <div className="variable-grid">
      {readOnly ? (
        <p className="notice notice-info">
          You can read {what} but not change them. {edit.reason}
        </p>
      ) : null}
      {conflict ? (
        <div className="notice notice-warning" role="alert">
          Someone changed {what} since you opened them, so nothing was saved. Reload to see their version
          (your unsaved changes will be lost), then make your change again.{' '}
          <Button onClick={() => void reload()}>Reload</Button>
        </div>
      ) : null}
      {failure ? <ErrorMessage error={failure} title="Not saved" /> : null}
      {saved ? (
        <p className="notice notice-success" role="status">
          {saved}
        </p>
      ) : null}
      {rows.length === 0 ? (
        <EmptyState title="No variables yet.">
          {readOnly ? null : 'Add one: give it a name, a value and, if it differs per environment, a scope.'}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table variables-table">
            <caption className="visually-hidden">Variables</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
                <th scope="col">Type</th>
                <th scope="col">Scope</th>
                {readOnly ? null : <th scope="col">Actions</th>}
              </tr>
            </thead>
            {rows.map((row, i) => {
              const n = i + 1;
              const err = errors.get(row.key) ?? {};
              const detailsId = `details-${row.key}`;
              const secretKept = row.type === 'sensitive' && row.keepSecret && !replacing.has(row.key);
              return (
                <tbody key={row.key} className="variable-row">
                  <tr>
                    <td>
                      {readOnly ? (
                        <span className="mono">{row.name}</span>
                      ) : (
                        <input
                          className="mono"
                          aria-label={`Name, row ${n}`}
                          value={row.name}
                          aria-invalid={err.name ? true : undefined}
                          aria-describedby={err.name ? `${row.key}-name-error` : undefined}
                          onChange={(e) => update(row.key, { name: e.target.value })}
                        />
                      )}
                      {err.name ? (
                        <div id={`${row.key}-name-error`} className="field-error">
                          {err.name}
                        </div>
                      ) : null}
                    </td>
                    <td>
                      {row.type === 'sensitive' && (secretKept || readOnly) ? (
                        <span className="secret-state">
                          <span className={`badge ${row.keepSecret ? 'tone-success' : 'tone-neutral'}`}>
                            {row.keepSecret ? 'Set' : 'Not set'}
                          </span>
                          {readOnly ? null : (
                            <Button
                              variant="link"
                              aria-label={`Replace the value, row ${n}`}
                              onClick={() => toggle(setReplacing, row.key, true)}
                            >
                              Replace
                            </Button>
                          )}
                        </span>
                      ) : readOnly ? (
                        <span className="mono value-text">
                          {row.type === 'aws-account' ? accountName(row.value) : row.value}
                        </span>
                      ) : row.type === 'aws-account' ? (
                        <select
                          aria-label={`Value, row ${n}`}
                          value={row.value}
                          aria-invalid={err.value ? true : undefined}
                          onChange={(e) => update(row.key, { value: e.target.value })}
                        >
                          <option value="">Choose an AWS account</option>
                          {options.awsAccounts.map((a) => (
                            <option key={a.id} value={a.id}>
                              {a.name}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <span className="secret-state">
                          <input
                            className="mono"
                            type={row.type === 'sensitive' ? 'password' : 'text'}
                            autoComplete="off"
                            aria-label={`Value, row ${n}`}
                            value={row.value}
                            placeholder={row.type === 'sensitive' && row.keepSecret ? 'New value' : undefined}
                            aria-invalid={err.value ? true : undefined}
                            aria-describedby={err.value ? `${row.key}-value-error` : undefined}
                            onChange={(e) => update(row.key, { value: e.target.value })}
                          />
                          {row.type === 'sensitive' && row.keepSecret ? (
                            <Button
                              variant="link"
                              aria-label={`Keep the current value, row ${n}`}
                              onClick={() => {
                                update(row.key, { value: '' });
                                toggle(setReplacing, row.key, false);
                              }}
                            >
                              Keep current
                            </Button>
                          ) : null}
                        </span>
                      )}
                      {err.value ? (
                        <div id={`${row.key}-value-error`} className="field-error">
                          {err.value}
                        </div>
                      ) : null}
                    </td>
                    <td>
                      {readOnly ? (
                        row.type
                      ) : (
                        <select
                          aria-label={`Type, row ${n}`}
                          value={row.type}
                          onChange={(e) => update(row.key, { type: e.target.value as VariableType })}
                        >
                          {VARIABLE_TYPES.map((t) => (
                            <option key={t} value={t}>
                              {t}
                            </option>
                          ))}
                        </select>
                      )}
                    </td>
                    <td>
                      <span className="scope-summary">{scopeSummary(row.scope, options.nameOf)}</span>
                      {row.prompt ? (
                        <span className="badge tone-running">
                          Prompted{row.prompt.required ? ', required' : ''}
                        </span>
                      ) : null}
                      {err.scope || err.prompt || err[''] ? (
                        <div className="field-error">{err.scope ?? err.prompt ?? err['']}</div>
                      ) : null}
                    </td>
                    {readOnly ? null : (
                      <td className="row-actions">
                        <Button
                          variant="link"
                          aria-expanded={open.has(row.key)}
                          aria-controls={detailsId}
                          aria-label={`Scope and details, row ${n}`}
                          onClick={() => toggle(setOpen, row.key)}
                        >
                          Scope…
                        </Button>
                        <Button
                          variant="link"
                          aria-label={`Add value of ${row.name || 'this name'}, after row ${n}`}
                          onClick={() => add(row)}
                        >
                          Add value
                        </Button>
                        <Button variant="link" aria-label={`Delete row ${n}`} onClick={() => remove(row.key)}>
                          Delete
                        </Button>
                      </td>
                    )}
                  </tr>
                  {open.has(row.key) && !readOnly ? (
                    <tr id={detailsId}>
                      <td colSpan={5}>
                        <RowDetails
                          row={row}
                          number={n}
                          options={options}
                          allowChannels={project !== undefined}
                          error={err}
                          onChange={(next) =>
                            setRows((list) => list.map((r) => (r.key === row.key ? next : r)))
                          }
                        />
                      </td>
                    </tr>
                  ) : null}
                </tbody>
              );
            })}
          </table>
        </div>
      )}
      {readOnly ? null : (
        <div className="form-actions">
          <Button onClick={() => add()}>Add variable</Button>
          <Button variant="primary" busy={saving} disabledReason={noSave} onClick={() => void save()}>
            Save variables
          </Button>
          {dirty ? (
            <Button onClick={() => set.data && setRows(toRows(set.data.items))}>Discard changes</Button>
          ) : null}
          {dirty ? <span className="muted">Unsaved changes</span> : null}
        </div>
      )}
    </div>
  );
}
