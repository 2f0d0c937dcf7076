/**
 * A tenant's variables: for each connected project, its variable templates × the tenant's
 * environments of that project; then the common templates of the library sets those projects
 * include. An empty value means the template's default applies. Sensitive values are write-only.
 * Saved whole with If-Match (a 412 offers a reload).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { ApiError, get, request, spacePath, withQuery } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading, PageHeader } from '../../components/common.js';
import { getAll, type Named } from './data.js';
import type { VariableSetChange } from './grid-model.js';
import {
  cellKey,
  tenantSlots,
  toCells,
  toTenantDocument,
  valueErrors,
  type Cell,
  type CellOwner,
  type StoredTenantValue,
  type TemplateSlot,
  type VariableTemplate,
} from './tenant-model.js';

interface TenantView {
  id: string;
  name: string;
  projects?: { project: string; environments: string[] }[];
}
interface Holder {
  id: string;
  name: string;
  templates?: VariableTemplate[];
  librarySets?: string[];
}

function ValueInput({
  label,
  template,
  cell,
  readOnly,
  error,
  onChange,
}: {
  label: string;
  template: VariableTemplate;
  cell: Cell | undefined;
  readOnly: boolean;
  error: string | undefined;
  onChange: (cell: Cell) => void;
}) {
  const [replacing, setReplacing] = useState(false);
  const current: Cell = cell ?? { value: '', keepSecret: false };
  const placeholder = template.defaultValue !== undefined ? `Default: ${template.defaultValue}` : 'No value';
  let control;
  if (template.type === 'sensitive' && (readOnly || (current.keepSecret && !replacing))) {
    control = (
      <span className="secret-state">
        <span className={`badge ${current.keepSecret ? 'tone-success' : 'tone-neutral'}`}>
          {current.keepSecret ? 'Set' : 'Not set'}
        </span>
        {readOnly ? null : (
          <>
            <Button variant="link" aria-label={`Replace ${label}`} onClick={() => setReplacing(true)}>
              Replace
            </Button>
            <Button
              variant="link"
              aria-label={`Clear ${label}`}
              onClick={() => onChange({ ...current, keepSecret: false, value: '' })}
            >
              Clear
            </Button>
          </>
        )}
      </span>
    );
  } else if (readOnly) {
    control = <span className="mono">{current.value || <span className="muted">{placeholder}</span>}</span>;
  } else if (template.type === 'select') {
    control = (
      <select
        aria-label={label}
        value={current.value}
        onChange={(e) => onChange({ ...current, value: e.target.value })}
      >
        <option value="">{placeholder}</option>
        {Object.entries(template.options ?? {}).map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    );
  } else {
    control = (
      <input
        className="mono"
        aria-label={label}
        type={template.type === 'sensitive' ? 'password' : 'text'}
        autoComplete="off"
        placeholder={template.type === 'sensitive' ? 'New value' : placeholder}
        value={current.value}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange({ ...current, value: e.target.value })}
      />
    );
  }
  return (
    <>
      {control}
      {error ? <div className="field-error">{error}</div> : null}
    </>
  );
}

/** See the module comment. */
export function TenantVariablesPage() {
  const space = useSpace();
  const tenantParam = useParams().tenant ?? '';
  const { can } = useSession();
  const client = useQueryClient();
  const tenant = useApi<TenantView>(spacePath(space, 'tenants', tenantParam));
  usePageTitle(`Variables · ${tenant.data?.name ?? tenantParam}`);
  const connections = useMemo(() => tenant.data?.projects ?? [], [tenant.data]);
  const environments = useQuery({
    queryKey: [spacePath(space, 'environments'), 'all'],
    queryFn: ({ signal }) => getAll<Named>(spacePath(space, 'environments'), signal),
  });
  const holders = useQuery({
    queryKey: ['tenant-templates', space, tenant.data?.id, connections.map((c) => c.project).join(',')],
    enabled: tenant.data !== undefined,
    queryFn: async ({ signal }) => {
      const projects = new Map<string, Holder>();
      for (const c of connections) {
        projects.set(c.project, await get<Holder>(spacePath(space, 'projects', c.project), signal));
      }
      const sets = new Map<string, Holder>();
      for (const p of projects.values()) {
        for (const id of p.librarySets ?? []) {
          if (!sets.has(id)) sets.set(id, await get<Holder>(spacePath(space, 'library-sets', id), signal));
        }
      }
      return { projects, sets };
    },
  });
  const valuesPath = tenant.data ? spacePath(space, 'tenants', tenant.data.id, 'variables') : undefined;
  const values = useQuery({
    queryKey: [valuesPath ?? '', 'all'],
    enabled: valuesPath !== undefined,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    queryFn: async ({ signal }) => {
      const items: StoredTenantValue[] = [];
      let cursor: string | undefined;
      let version: number | undefined;
      do {
        const page = await get<{ items: StoredTenantValue[]; nextCursor?: string; variablesVersion: number }>(
          withQuery(valuesPath ?? '', { limit: 500, cursor }),
          signal,
        );
        items.push(...page.items);
        version = page.variablesVersion;
        cursor = page.nextCursor;
      } while (cursor);
      return { items, version: version ?? 0 };
    },
  });

  const [cells, setCells] = useState<Record<string, Cell>>({});
  const [loadedAt, setLoadedAt] = useState(0);
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [failure, setFailure] = useState<unknown>(undefined);
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  // A fresh read (first load, after a save or a reload) replaces the form (state adjusted while rendering).
  if (values.data && values.dataUpdatedAt !== loadedAt) {
    setCells(toCells(values.data.items));
    setLoadedAt(values.dataUpdatedAt);
    setErrors(new Map());
  }

  const slots: TemplateSlot[] = useMemo(() => {
    if (!holders.data) return [];
    const projects = new Map(
      [...holders.data.projects].map(([id, p]) => [
        id,
        { templates: p.templates ?? [], librarySets: p.librarySets ?? [] },
      ]),
    );
    const sets = new Map([...holders.data.sets].map(([id, s]) => [id, { templates: s.templates ?? [] }]));
    return tenantSlots(connections, projects, sets);
  }, [holders.data, connections]);

  const edit = tenant.data ? can(space, 'tenant.edit', { tenantId: tenant.data.id }) : { allowed: false };
  const readOnly = !edit.allowed;
  const envName = (id: string) => environments.data?.find((e) => e.id === id)?.name ?? id;
  const dirty =
    values.data !== undefined &&
    JSON.stringify(toTenantDocument(slots, cells)) !==
      JSON.stringify(toTenantDocument(slots, toCells(values.data.items)));

  const save = async () => {
    if (!values.data || !valuesPath) return;
    setSaving(true);
    setFailure(undefined);
    setConflict(false);
    setSaved(undefined);
    const body = toTenantDocument(slots, cells);
    try {
      const answer = await request<VariableSetChange>('PUT', valuesPath, {
        body,
        ifMatch: values.data.version,
      });
      setSaved(
        `Saved: ${answer.data.added} added, ${answer.data.updated} updated, ${answer.data.removed} removed.`,
      );
      await client.invalidateQueries({ queryKey: [valuesPath, 'all'] });
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) setConflict(true);
      else {
        if (error instanceof ApiError) {
          const byKey = new Map<string, string>();
          for (const [index, message] of valueErrors(error.issues)) {
            const item = body[index];
            if (!item) continue;
            const owner: CellOwner =
              'librarySet' in item
                ? { librarySet: item.librarySet }
                : { project: item.project, environment: item.environment };
            byKey.set(cellKey(owner, item.template), message);
          }
          setErrors(byKey);
        }
        setFailure(error);
      }
    } finally {
      setSaving(false);
    }
  };

  const set = (owner: CellOwner, template: string, cell: Cell) =>
    setCells((c) => ({ ...c, [cellKey(owner, template)]: cell }));

  const loading = tenant.isPending || holders.isPending || values.isPending;
  const sets = holders.data ? [...holders.data.sets.values()] : [];
  return (
    <>
      <PageHeader title={tenant.data?.name ?? tenantParam} subtitle="Tenant variables" />
      {tenant.error ? <ErrorMessage error={tenant.error} title="The tenant could not be read" /> : null}
      {holders.error ? <ErrorMessage error={holders.error} title="The templates could not be read" /> : null}
      {values.error ? <ErrorMessage error={values.error} title="The values could not be read" /> : null}
      {loading && !tenant.error ? <Loading what="Loading the tenant's variables" /> : null}
      {readOnly && tenant.data ? (
        <p className="notice notice-info">
          You can read this tenant&apos;s values but not change them. {edit.reason}
        </p>
      ) : null}
      {conflict ? (
        <div className="notice notice-warning" role="alert">
          Someone changed this tenant&apos;s values since you opened them, so nothing was saved. Reload to see
          their version, then make your change again.{' '}
          <Button
            onClick={() => {
              setConflict(false);
              setLoadedAt(0);
              void client.invalidateQueries({ queryKey: [valuesPath, 'all'] });
            }}
          >
            Reload
          </Button>
        </div>
      ) : null}
      {failure ? <ErrorMessage error={failure} title="Not saved" /> : null}
      {saved ? (
        <p className="notice notice-success" role="status">
          {saved}
        </p>
      ) : null}
      {!loading && holders.data && slots.length === 0 ? (
        <EmptyState title="Nothing to fill in.">
          The projects this tenant is connected to, and their library sets, have no variable templates. Add
          templates to a project (or a library set) for values that differ per tenant.
        </EmptyState>
      ) : null}
      {holders.data && values.data
        ? connections.map((c) => {
            const project = holders.data.projects.get(c.project);
            const templates = project?.templates ?? [];
            if (!project || templates.length === 0) return null;
            return (
              <section key={c.project} className="card" aria-labelledby={`tv-${c.project}`}>
                <h2 id={`tv-${c.project}`}>Project {project.name}</h2>
                <div className="table-wrap">
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">Template</th>
                        {c.environments.map((e) => (
                          <th key={e} scope="col">
                            {envName(e)}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {templates.map((t) => (
                        <tr key={t.name}>
                          <th scope="row">
                            <span className="mono">{t.name}</span>
                            {t.label ? <div className="muted">{t.label}</div> : null}
                          </th>
                          {c.environments.map((e) => {
                            const owner = { project: c.project, environment: e };
                            return (
                              <td key={e}>
                                <ValueInput
                                  label={`${t.name} in ${envName(e)} for ${project.name}`}
                                  template={t}
                                  cell={cells[cellKey(owner, t.name)]}
                                  readOnly={readOnly}
                                  error={errors.get(cellKey(owner, t.name))}
                                  onChange={(cell) => set(owner, t.name, cell)}
                                />
                              </td>
                            );
                          })}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </section>
            );
          })
        : null}
      {holders.data && values.data && sets.some((s) => (s.templates ?? []).length > 0) ? (
        <section className="card" aria-labelledby="tv-common">
          <h2 id="tv-common">Common templates (library sets)</h2>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Template</th>
                  <th scope="col">Value</th>
                </tr>
              </thead>
              <tbody>
                {sets.map((s) => (
                  <Fragment key={s.id}>
                    {(s.templates ?? []).map((t) => {
                      const owner = { librarySet: s.id };
                      return (
                        <tr key={`${s.id}-${t.name}`}>
                          <th scope="row">
                            <span className="mono">{t.name}</span> <span className="muted">({s.name})</span>
                          </th>
                          <td>
                            <ValueInput
                              label={`${t.name} of ${s.name}`}
                              template={t}
                              cell={cells[cellKey(owner, t.name)]}
                              readOnly={readOnly}
                              error={errors.get(cellKey(owner, t.name))}
                              onChange={(cell) => set(owner, t.name, cell)}
                            />
                          </td>
                        </tr>
                      );
                    })}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      {readOnly || slots.length === 0 ? null : (
        <div className="form-actions">
          <Button
            variant="primary"
            busy={saving}
            disabledReason={dirty ? undefined : 'There are no changes to save.'}
            onClick={() => void save()}
          >
            Save values
          </Button>
        </div>
      )}
    </>
  );
}
