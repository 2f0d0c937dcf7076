/**
 * The process editor: the steps in order (add, move, duplicate, disable, delete, edit), "Check"
 * (PUT ?dryRun=true) and "Save" (PUT with If-Match of the version read). The API's validation issues
 * land on the fields they name and open the steps they are in; a 412 says someone else saved
 * meanwhile and offers to reload. Unsaved changes survive opening and closing steps, and leaving the
 * page with them asks first.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { FormProvider, useFieldArray, useForm } from 'react-hook-form';
import { useBlocker, useSearchParams } from 'react-router';
import { ApiError, get, request, withQuery } from '../../api/client.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState } from '../../components/common.js';
import { fieldErrors } from '../../lib/field-errors.js';
import { EditorContext, type EditorOptions } from './editor-context.js';
import {
  duplicateStep,
  issuePathToFormPath,
  newStep,
  STEP_TYPES,
  stepIndexOf,
  stepTypeLabel,
  toForm,
  toProcessBody,
  type ProcessForm,
  type ProcessResource,
} from './process-model.js';
import { StepCard } from './StepCard.js';

/** What the last Save or Check answered. */
type Outcome =
  | { kind: 'saved'; changed: boolean }
  | { kind: 'checked'; changed: boolean; fields: string[] }
  | { kind: 'conflict' }
  | { kind: 'error'; error: unknown };

interface DryRunAnswer {
  changed: boolean;
  changedFields?: string[];
}

/** ProcessEditor props. */
export interface ProcessEditorProps {
  /** The API path of the process. */
  path: string;
  resource: ProcessResource;
  options: EditorOptions;
  /** Why the user may not edit (read-only), or undefined. */
  readOnlyReason: string | undefined;
}

/** See the module comment. */
export function ProcessEditor({ path, resource, options, readOnlyReason }: ProcessEditorProps) {
  const readOnly = readOnlyReason !== undefined;
  const queryClient = useQueryClient();
  const methods = useForm<ProcessForm>({ defaultValues: toForm(resource) });
  const { control, getValues, reset, setValue, formState } = methods;
  const { fields, append, insert, remove, move } = useFieldArray({ control, name: 'steps' });
  // The version the form was read at (If-Match); only handlers and effects read it.
  const base = useRef(resource.version);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [busy, setBusy] = useState<'save' | 'check' | undefined>(undefined);
  const [addType, setAddType] = useState<string>('run-script');
  const [searchParams, setSearchParams] = useSearchParams();
  const [open, setOpen] = useState<Set<string>>(() => {
    const wanted = searchParams.get('step')?.toLowerCase();
    const i = resource.steps.findIndex((s) => String(s.name).toLowerCase() === wanted);
    const id = i >= 0 ? fields[i]?.id : undefined;
    return new Set(id ? [id] : []);
  });
  const [pendingOpen, setPendingOpen] = useState<number | undefined>(undefined);
  const focusAfter = useRef<string | undefined>(undefined);
  const dirty = formState.isDirty;

  // Someone saved and this form has no changes: show theirs (a refetch brought a newer version).
  useEffect(() => {
    if (resource.version !== base.current && !dirty) {
      base.current = resource.version;
      reset(toForm(resource));
    }
  }, [resource, dirty, reset]);

  useEffect(() => {
    if (focusAfter.current) document.getElementById(focusAfter.current)?.focus();
    focusAfter.current = undefined;
  }, [fields]);

  // Leaving with unsaved changes asks first: inside the app (the router) and closing the tab.
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const stepErrorCounts = useMemo(() => {
    const counts = new Map<number, number>();
    for (const key of Object.keys(errors)) {
      const i = stepIndexOf(key);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    return counts;
  }, [errors]);

  // After the API named fields: open their steps (done in showErrors), then focus the first one.
  useEffect(() => {
    if (Object.keys(errors).length === 0) return;
    const id = requestAnimationFrame(() => {
      document.querySelector<HTMLElement>('.process-editor [aria-invalid="true"]')?.focus();
    });
    return () => cancelAnimationFrame(id);
  }, [errors]);

  const setStepParam = (name: string | undefined) => {
    const next = new URLSearchParams(searchParams);
    if (name) next.set('step', name);
    else next.delete('step');
    setSearchParams(next, { replace: true });
  };

  const isOpen = (id: string, index: number) => open.has(id) || pendingOpen === index;

  const toggle = (id: string, index: number) => {
    const next = new Set(open);
    if (isOpen(id, index)) {
      next.delete(id);
      setPendingOpen(undefined);
      setStepParam(undefined);
    } else {
      next.add(id);
      setStepParam(getValues(`steps.${index}.name`));
    }
    setOpen(next);
  };

  const structureChanged = () => {
    // A step added last is open by its index until now: keep it open by its id.
    const added = pendingOpen !== undefined ? fields[pendingOpen] : undefined;
    if (added) setOpen((o) => new Set([...o, added.id]));
    setPendingOpen(undefined);
    // Issue paths name steps by index: after a move, add or delete they would point at others.
    setErrors({});
    setOutcome(undefined);
  };

  const names = () => getValues('steps').map((s) => s.name);

  const showErrors = (error: unknown) => {
    if (error instanceof ApiError && error.status === 412) {
      setOutcome({ kind: 'conflict' });
      return;
    }
    const issues = error instanceof ApiError ? error.issues : [];
    const byField: Record<string, string> = {};
    for (const [key, message] of Object.entries(fieldErrors(issues, 'process'))) {
      if (key !== '') byField[issuePathToFormPath(key)] = message;
    }
    setErrors(byField);
    const toOpen = new Set(open);
    for (const key of Object.keys(byField)) {
      const i = stepIndexOf(key);
      const id = i !== undefined ? fields[i]?.id : undefined;
      if (id) toOpen.add(id);
    }
    setOpen(toOpen);
    setOutcome({ kind: 'error', error });
  };

  const submit = async (dryRun: boolean) => {
    setBusy(dryRun ? 'check' : 'save');
    setOutcome(undefined);
    const body = toProcessBody(getValues());
    try {
      if (dryRun) {
        const answer = await request<DryRunAnswer>('PUT', withQuery(path, { dryRun: true }), {
          body,
          ifMatch: base.current,
        });
        setErrors({});
        setOutcome({
          kind: 'checked',
          changed: answer.data.changed,
          fields: answer.data.changedFields ?? [],
        });
      } else {
        const answer = await request<ProcessResource>('PUT', path, { body, ifMatch: base.current });
        const saved = answer.data;
        queryClient.setQueryData([path], saved);
        base.current = saved.version;
        reset(toForm(saved));
        setErrors({});
        setOutcome({ kind: 'saved', changed: answer.headers.get('slipway-changed') !== 'false' });
      }
    } catch (error) {
      showErrors(error);
    } finally {
      setBusy(undefined);
    }
  };

  const reload = async () => {
    const fresh = await get<ProcessResource>(path);
    queryClient.setQueryData([path], fresh);
    base.current = fresh.version;
    reset(toForm(fresh));
    setErrors({});
    setOutcome(undefined);
  };

  const addStep = () => {
    const step = newStep(addType, names());
    structureChanged();
    append(step);
    // Its field id is known after the render: it is open by index until the next change of the list.
    setPendingOpen(fields.length);
    focusNew.current = fields.length;
  };
  const focusNew = useRef<number | undefined>(undefined);
  useEffect(() => {
    const index = focusNew.current;
    const added = index !== undefined ? fields[index] : undefined;
    if (!added) return;
    focusNew.current = undefined;
    const el = document.getElementById(`step-${added.id}-toggle`);
    el?.scrollIntoView({ block: 'start' });
    el?.focus();
  }, [fields]);

  const problemCount = Object.keys(errors).length;

  return (
    <EditorContext.Provider value={{ readOnly, errors, options }}>
      <FormProvider {...methods}>
        <form
          className="process-editor"
          onSubmit={(e) => e.preventDefault()}
          noValidate
          aria-label="Deployment process"
        >
          {readOnly ? (
            <div className="notice notice-info">
              <strong>Read only.</strong> {readOnlyReason}
            </div>
          ) : null}
          {outcome?.kind === 'conflict' ? (
            <div className="notice notice-danger" role="alert">
              Someone changed this process since you opened it; reload to see their change (your unsaved
              changes here are then lost).{' '}
              <button type="button" className="btn btn-secondary btn-small" onClick={() => void reload()}>
                Reload the process
              </button>
            </div>
          ) : null}
          {outcome?.kind === 'error' ? (
            <ErrorMessage
              error={outcome.error}
              title={problemCount > 0 ? 'Not saved: fix the fields marked below' : 'Not saved'}
            />
          ) : null}
          {fields.length === 0 ? (
            <EmptyState title="This process has no steps yet.">
              {readOnly ? null : 'Add the first one below: choose what it does, then fill in its form.'}
            </EmptyState>
          ) : (
            <ol className="step-list">
              {fields.map((field, index) => (
                <StepCard
                  key={field.id}
                  id={field.id}
                  index={index}
                  count={fields.length}
                  open={isOpen(field.id, index)}
                  readOnly={readOnly}
                  errorCount={stepErrorCounts.get(index) ?? 0}
                  actions={{
                    toggle: () => toggle(field.id, index),
                    moveUp: () => {
                      focusAfter.current = index - 1 === 0 ? `step-${field.id}-down` : `step-${field.id}-up`;
                      move(index, index - 1);
                      structureChanged();
                    },
                    moveDown: () => {
                      focusAfter.current =
                        index + 1 === fields.length - 1 ? `step-${field.id}-up` : `step-${field.id}-down`;
                      move(index, index + 1);
                      structureChanged();
                    },
                    duplicate: () => {
                      const copy = duplicateStep(getValues(`steps.${index}`), names());
                      insert(index + 1, copy);
                      structureChanged();
                    },
                    setDisabled: (disabled) =>
                      setValue(`steps.${index}.disabled`, disabled, { shouldDirty: true }),
                    remove: () => {
                      const next = fields[index + 1] ?? fields[index - 1];
                      focusAfter.current = next ? `step-${next.id}-toggle` : 'process-add-type';
                      remove(index);
                      structureChanged();
                    },
                  }}
                />
              ))}
            </ol>
          )}
          {readOnly ? null : (
            <div className="add-step card">
              <label htmlFor="process-add-type">New step</label>
              <select id="process-add-type" value={addType} onChange={(e) => setAddType(e.target.value)}>
                {STEP_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {stepTypeLabel(t)}
                  </option>
                ))}
              </select>
              <button type="button" className="btn btn-secondary" onClick={addStep}>
                Add step
              </button>
            </div>
          )}
          {readOnly ? null : (
            <div className="process-actions">
              <button
                type="button"
                className="btn btn-primary"
                aria-busy={busy === 'save' || undefined}
                disabled={busy !== undefined}
                onClick={() => void submit(false)}
              >
                {busy === 'save' ? 'Saving…' : 'Save'}
              </button>
              <button
                type="button"
                className="btn btn-secondary"
                aria-busy={busy === 'check' || undefined}
                disabled={busy !== undefined}
                onClick={() => void submit(true)}
              >
                {busy === 'check' ? 'Checking…' : 'Check'}
              </button>
              <button
                type="button"
                className="btn btn-secondary"
                disabled={!dirty || busy !== undefined}
                onClick={() => {
                  reset();
                  setErrors({});
                  setOutcome(undefined);
                }}
              >
                Discard changes
              </button>
              <span role="status" aria-live="polite" className="process-status">
                {statusText(outcome, dirty, problemCount)}
              </span>
            </div>
          )}
        </form>
      </FormProvider>
      {blocker.state === 'blocked' ? (
        <LeaveDialog onStay={() => blocker.reset()} onLeave={() => blocker.proceed()} />
      ) : null}
    </EditorContext.Provider>
  );
}

function statusText(outcome: Outcome | undefined, dirty: boolean, problems: number): string {
  if (outcome?.kind === 'saved') return outcome.changed ? 'Saved.' : 'Saved (nothing had changed).';
  if (outcome?.kind === 'checked') {
    const what = outcome.changed
      ? `saving would change ${outcome.fields.length > 0 ? outcome.fields.join(', ') : 'the process'}`
      : 'nothing to save';
    return `Check passed: no problems found; ${what}.${dirty ? ' Not saved yet.' : ''}`;
  }
  if (outcome?.kind === 'error')
    return problems > 0
      ? `Not saved: ${problems} ${problems === 1 ? 'problem' : 'problems'} to fix.`
      : 'Not saved.';
  if (outcome?.kind === 'conflict') return 'Not saved: the process changed meanwhile.';
  return dirty ? 'Unsaved changes.' : 'No unsaved changes.';
}

/** Asks before leaving the page with unsaved changes. */
function LeaveDialog({ onStay, onLeave }: { onStay: () => void; onLeave: () => void }) {
  const stay = useRef<HTMLButtonElement>(null);
  useEffect(() => stay.current?.focus(), []);
  return (
    <div className="dialog-backdrop">
      <div
        className="dialog card"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="leave-title"
        aria-describedby="leave-text"
        onKeyDown={(e) => {
          if (e.key === 'Escape') onStay();
        }}
      >
        <h2 id="leave-title">Leave with unsaved changes?</h2>
        <p id="leave-text">Your changes to the process are not saved. Leaving discards them.</p>
        <div className="form-actions">
          <button ref={stay} type="button" className="btn btn-primary" onClick={onStay}>
            Stay and keep editing
          </button>
          <button type="button" className="btn btn-danger" onClick={onLeave}>
            Leave and discard
          </button>
        </div>
      </div>
    </div>
  );
}
