/**
 * Configuration › Audit log: who changed what in the space, newest first, filtered by entity type,
 * actor, action and a time window, paged with the API's cursor. Every filter and the page are in the
 * URL, so a filtered view is a link and the back button steps through pages. Needs audit.view.
 */
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { spacePath, withQuery } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { Button } from '../../components/Button.js';
import { Field } from '../../components/Field.js';
import { PageHeader, Time } from '../../components/common.js';
import { ListState, ListTable, ReadOnlyNotice, useAllowed } from '../../components/resource-form.js';
import { auditFilters, auditQuery, auditSearch, type AuditFilters } from './admin-logic.js';
import { type Page } from './shared.js';

interface AuditEventJson {
  id: string;
  actor: string;
  sourceIp: string | null;
  occurredAt: string;
  action: 'create' | 'update' | 'delete';
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

const ENTITY_TYPES = [
  'environment',
  'lifecycle',
  'project',
  'channel',
  'process',
  'variables',
  'tenant',
  'tag-set',
  'feed',
  'aws-account',
  'ecs-target',
  'team',
  'library-set',
  'release',
  'deployment',
];
const TONE = { create: 'success', update: 'running', delete: 'danger' } as const;
const PAGE_SIZE = 50;

function entityName(e: AuditEventJson): string {
  const doc = (e.after ?? e.before) as { name?: unknown } | null;
  return doc && typeof doc.name === 'string' ? doc.name : e.entityId;
}

/** The filter form: edits a draft, applied to the URL on submit. */
function Filters({ value, onApply }: { value: AuditFilters; onApply: (f: AuditFilters) => void }) {
  const [draft, setDraft] = useState(value);
  const set = (patch: Partial<AuditFilters>) => setDraft((d) => ({ ...d, ...patch }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ ...draft, cursor: '' });
  };
  return (
    <form className="card admin-filters" onSubmit={submit} aria-label="Filter the audit log">
      <Field label="Entity type">
        <select value={draft.entityType} onChange={(e) => set({ entityType: e.target.value })}>
          <option value="">Any</option>
          {ENTITY_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Actor" hint="A user name, exactly.">
        <input value={draft.actor} onChange={(e) => set({ actor: e.target.value })} />
      </Field>
      <Field label="Action">
        <select
          value={draft.action}
          onChange={(e) => set({ action: e.target.value as AuditFilters['action'] })}
        >
          <option value="">Any</option>
          <option value="create">create</option>
          <option value="update">update</option>
          <option value="delete">delete</option>
        </select>
      </Field>
      <Field label="From">
        <input type="datetime-local" value={draft.from} onChange={(e) => set({ from: e.target.value })} />
      </Field>
      <Field label="To">
        <input type="datetime-local" value={draft.to} onChange={(e) => set({ to: e.target.value })} />
      </Field>
      <div className="form-actions">
        <Button type="submit" variant="primary">
          Filter
        </Button>
      </div>
    </form>
  );
}

/** See the module comment. */
export function AuditPage() {
  const space = useSpace();
  usePageTitle('Audit log');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const filters = auditFilters(params);
  const view = useAllowed(space, 'audit.view');
  const path = withQuery(spacePath(space, 'audit-events'), { ...auditQuery(filters), limit: PAGE_SIZE });
  const events = useApi<Page<AuditEventJson>>(view.allowed ? path : undefined);
  const here = paths.configuration(space, 'audit');
  const go = (f: AuditFilters) => void navigate(here + auditSearch(f));
  const filtered = auditSearch({ ...filters, cursor: '' }) !== '';

  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Every change in this space: who, when, from where, and what it was before and after."
      />
      <ReadOnlyNotice reason={view.allowed ? undefined : view.reason} />
      {view.allowed ? (
        <>
          <Filters key={params.toString()} value={filters} onApply={go} />
          {filtered ? (
            <p>
              <Link to={here}>Clear the filters</Link>
            </p>
          ) : null}
          <ListState
            list={events}
            loading="Loading the audit log"
            empty={filtered ? 'No changes match these filters.' : 'No changes recorded yet.'}
          />
          <ListTable
            items={events.data?.items}
            label="Audit events"
            columns={['When', 'Actor', 'Action', 'What', 'From']}
            row={(e) => (
              <tr key={e.id}>
                <td>
                  <Time iso={e.occurredAt} />
                </td>
                <td>
                  <Link to={here + auditSearch({ ...filters, actor: e.actor, cursor: '' })}>{e.actor}</Link>
                </td>
                <td>
                  <span className={`badge tone-${TONE[e.action]}`}>{e.action}</span>
                </td>
                <td>
                  {e.entityType} <strong>{entityName(e)}</strong>
                  <details className="admin-diff">
                    <summary>Before and after</summary>
                    <div className="admin-diff-body">
                      <pre aria-label="Before">
                        {e.before === null ? '(none)' : JSON.stringify(e.before, null, 2)}
                      </pre>
                      <pre aria-label="After">
                        {e.after === null ? '(none)' : JSON.stringify(e.after, null, 2)}
                      </pre>
                    </div>
                  </details>
                </td>
                <td className="mono">{e.sourceIp ?? '—'}</td>
              </tr>
            )}
          />
          <nav className="form-actions" aria-label="Audit log pages">
            {filters.cursor ? <Button onClick={() => void navigate(-1)}>Newer</Button> : null}
            {events.data?.nextCursor ? (
              <Link
                className="btn btn-secondary"
                to={here + auditSearch({ ...filters, cursor: events.data.nextCursor })}
              >
                Older
              </Link>
            ) : null}
          </nav>
        </>
      ) : null}
    </>
  );
}
