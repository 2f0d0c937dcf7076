/**
 * Configuration › Configuration as code: the space's export as `slipway export` writes it (view,
 * copy, download), and applying a file (upload or paste): first a preview of what changes (the
 * plan `slipway apply` prints), then apply exactly that plan. Secrets the file refers to by
 * environment variable can be given here; those left empty keep their stored values.
 */
import { useMutation } from '@tanstack/react-query';
import { useState, type ChangeEvent } from 'react';
import { ApiError, request, spacePath, withQuery } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { Loading, PageHeader } from '../../components/common.js';
import { invalidatePrefix, useAllowed } from '../../components/resource-form.js';
import { exportFileName, planTone } from './admin-logic.js';
import { useClient } from './shared.js';

interface ExportJson {
  space: string;
  format: 'yaml' | 'json';
  text: string;
  secrets: string[];
  summary: string;
}

interface PlanEntryJson {
  action: 'create' | 'update' | 'unchanged';
  kind: string;
  what: string;
  name?: string;
  owner?: string;
  path: string;
  changedFields: string[];
  note?: string;
  outcome?: 'applied' | 'unchanged' | 'failed' | 'not-applied';
  error?: { code: string; message: string };
  line: string;
}

interface PlanJson {
  planId: string;
  entries: PlanEntryJson[];
  summary: { create: number; update: number; unchanged: number };
  warnings: string[];
  secrets: { name: string; path: string }[];
  text: string;
}

interface AppliedJson extends PlanJson {
  ok: boolean;
  result: string;
}

function download(text: string, name: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The space's export. */
function ExportView({ space }: { space: string }) {
  const [format, setFormat] = useState<'yaml' | 'json'>('yaml');
  const exported = useApi<ExportJson>(withQuery(spacePath(space, 'configuration'), { format }));
  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <p className="muted">
        Everything in this space as a file for <code>slipway apply -f</code>: references by name, secrets as{' '}
        <code>{'{ env: NAME }'}</code> references, never their values.
      </p>
      <div className="form-actions admin-export-actions">
        <Field label="Format">
          <select value={format} onChange={(e) => setFormat(e.target.value as 'yaml' | 'json')}>
            <option value="yaml">YAML</option>
            <option value="json">JSON</option>
          </select>
        </Field>
        <Button
          disabled={!exported.data}
          onClick={() =>
            exported.data &&
            download(
              exported.data.text,
              exportFileName(exported.data.space, format),
              format === 'json' ? 'application/json' : 'application/yaml',
            )
          }
        >
          Download
        </Button>
      </div>
      {exported.isPending ? <Loading what="Exporting the space" /> : null}
      <ErrorMessage error={exported.error} title="Could not export" />
      {exported.data ? (
        <>
          <p>
            {exported.data.summary}.
            {exported.data.secrets.length > 0
              ? ` The file refers to ${exported.data.secrets.length} secret(s) by environment variable: ${exported.data.secrets.join(', ')}.`
              : null}
          </p>
          <pre className="admin-code" tabIndex={0} aria-label="The exported file">
            {exported.data.text}
          </pre>
        </>
      ) : null}
    </section>
  );
}

/** One plan entry as a list item: the sign and action in colour and words, then what. */
function EntryLine({ entry }: { entry: PlanEntryJson }) {
  const outcome = entry.outcome && entry.outcome !== 'unchanged' ? ` — ${entry.outcome}` : '';
  return (
    <li>
      <span className={`badge tone-${planTone(entry.action)}`}>{entry.action}</span>{' '}
      <span className="mono">{entry.line.replace(/^[+~=] (create|update|unchanged) /, '')}</span>
      {outcome}
      {entry.error ? <div className="field-error">{entry.error.message}</div> : null}
    </li>
  );
}

/** Upload or paste a file, preview its plan, apply it. */
function ApplyView({ space, reason }: { space: string; reason: string | undefined }) {
  const client = useClient();
  const [text, setText] = useState('');
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [showUnchanged, setShowUnchanged] = useState(false);
  const preview = useMutation({
    mutationFn: async () =>
      (
        await request<PlanJson>('POST', spacePath(space, 'configuration', 'plan'), {
          body: { text, secrets },
        })
      ).data,
  });
  const apply = useMutation({
    mutationFn: async (planId: string) =>
      (
        await request<AppliedJson>('POST', spacePath(space, 'configuration', 'apply'), {
          body: { text, secrets, planId },
        })
      ).data,
    onSettled: () => invalidatePrefix(client, spacePath(space)),
  });
  const edited = () => {
    preview.reset();
    apply.reset();
  };
  const upload = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    void file.text().then((t) => {
      setText(t);
      edited();
    });
  };
  const plan = apply.data ?? preview.data;
  const names = [...new Set((preview.data?.secrets ?? []).map((s) => s.name))];
  const stale = apply.error instanceof ApiError && apply.error.status === 412;
  const changes = plan ? plan.summary.create + plan.summary.update : 0;

  return (
    <section className="card" aria-labelledby="apply-title">
      <h2 id="apply-title">Apply a file</h2>
      {reason ? (
        <p className="notice notice-info">
          <strong>Preview and apply are not available to you.</strong> {reason}
        </p>
      ) : (
        <>
          <p className="muted">
            Creates and updates what the file lists, in dependency order; never deletes anything it does not
            list. You see the plan first.
          </p>
          <Field label="Upload a file" hint="YAML or JSON, as slipway export writes it.">
            <input type="file" accept=".yaml,.yml,.json,application/json,text/yaml" onChange={upload} />
          </Field>
          <Field label="Configuration file" hint="Or paste it here (the export above is a good start).">
            <textarea
              className="mono admin-code-input"
              rows={14}
              spellCheck={false}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                edited();
              }}
            />
          </Field>
          {names.length > 0 ? (
            <fieldset className="admin-secrets">
              <legend>Secrets the file refers to</legend>
              <p className="field-hint">
                Give a value to change a secret; leave it empty to keep the stored value.
              </p>
              {names.map((n) => (
                <Field key={n} label={n}>
                  <input
                    type="password"
                    autoComplete="off"
                    value={secrets[n] ?? ''}
                    onChange={(e) => {
                      setSecrets({ ...secrets, [n]: e.target.value });
                      apply.reset();
                    }}
                  />
                </Field>
              ))}
            </fieldset>
          ) : null}
          <div className="form-actions">
            <Button
              variant={plan ? 'secondary' : 'primary'}
              busy={preview.isPending}
              disabledReason={text.trim() === '' ? 'Paste or upload a file first.' : undefined}
              onClick={() => {
                apply.reset();
                preview.mutate();
              }}
            >
              Preview changes
            </Button>
          </div>
          <ErrorMessage error={preview.error} title="The file cannot be applied" />
        </>
      )}
      {plan ? (
        <div className="admin-plan" aria-live="polite">
          <h3>{apply.data ? 'Result' : 'Plan'}</h3>
          <p>
            {plan.summary.create} to create, {plan.summary.update} to update, {plan.summary.unchanged}{' '}
            unchanged.
          </p>
          {plan.warnings.map((w) => (
            <p key={w} className="notice notice-warning">
              {w}
            </p>
          ))}
          <ul className="admin-plan-list" aria-label={apply.data ? 'What was done' : 'What changes'}>
            {plan.entries
              .filter((e) => showUnchanged || e.action !== 'unchanged')
              .map((e) => (
                <EntryLine key={e.path} entry={e} />
              ))}
          </ul>
          {plan.summary.unchanged > 0 ? (
            <label className="admin-check">
              <input
                type="checkbox"
                checked={showUnchanged}
                onChange={(e) => setShowUnchanged(e.target.checked)}
              />{' '}
              Show the {plan.summary.unchanged} unchanged
            </label>
          ) : null}
          {apply.data ? (
            <p className={`notice notice-${apply.data.ok ? 'success' : 'danger'}`} role="status">
              {apply.data.result}
            </p>
          ) : (
            <div className="form-actions">
              <Button
                variant="primary"
                busy={apply.isPending}
                disabledReason={
                  changes === 0 ? 'Nothing to change: the space already matches the file.' : undefined
                }
                onClick={() => preview.data && apply.mutate(preview.data.planId)}
              >
                Apply {changes} change{changes === 1 ? '' : 's'}
              </Button>
            </div>
          )}
          {stale ? (
            <p className="notice notice-warning" role="alert">
              {apply.error?.message}{' '}
              <Button
                onClick={() => {
                  apply.reset();
                  preview.mutate();
                }}
              >
                Preview again
              </Button>
            </p>
          ) : (
            <ErrorMessage error={apply.error} title="Not applied" />
          )}
        </div>
      ) : null}
    </section>
  );
}

/** See the module comment. */
export function ConfigAsCodePage() {
  const space = useSpace();
  usePageTitle('Configuration as code');
  const view = useAllowed(space, 'project.view');
  const edit = useAllowed(space, 'project.edit');
  return (
    <>
      <PageHeader
        title="Configuration as code"
        subtitle="The space as one file, as slipway export and slipway apply read and write it."
      />
      {view.allowed ? <ExportView space={space} /> : <p className="notice notice-info">{view.reason}</p>}
      <ApplyView space={space} reason={edit.allowed ? undefined : edit.reason} />
    </>
  );
}
