/**
 * The variable preview: choose an environment (and tenant, channel, step, target) and see what each
 * variable resolves to, which value won and why, from the server's own resolution
 * (GET .../variables/preview). The choice lives in the URL, so a preview can be linked and the back
 * button steps through earlier choices.
 */
import { Fragment, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { spacePath, withQuery } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { ProjectTabs } from '../../components/ProjectTabs.js';
import { EmptyState, Loading, PageHeader } from '../../components/common.js';
import { useScopeOptions, type Named } from './data.js';
import { scopeSummary, type VariableScope } from './grid-model.js';
import {
  contextFromSearch,
  contextText,
  contextToSearch,
  renderedText,
  sourceText,
  type PreviewAnswer,
  type PreviewContext,
} from './preview-model.js';
import { VariablesSubnav, type ProjectView } from './ProjectVariablesPage.js';

function Choice({
  label,
  value,
  options,
  none,
  onChange,
}: {
  label: string;
  value: string;
  options: Named[];
  none: string;
  onChange: (value: string) => void;
}) {
  const id = `preview-${label.toLowerCase()}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{none}</option>
        {options.map((o) => (
          <option key={o.id} value={o.name}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** See the module comment. */
export function PreviewPage() {
  const space = useSpace();
  const projectParam = useParams().project ?? '';
  const [search, setSearch] = useSearchParams();
  const context = contextFromSearch(search);
  const project = useApi<ProjectView>(spacePath(space, 'projects', projectParam));
  const { options } = useScopeOptions(space, project.data?.id);
  usePageTitle(`Variable preview · ${project.data?.name ?? projectParam}`);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());

  const query =
    project.data && context.environment !== ''
      ? withQuery(spacePath(space, 'projects', project.data.id, 'variables', 'preview'), { ...context })
      : undefined;
  const preview = useApi<PreviewAnswer>(query);
  const set = (key: keyof PreviewContext, value: string) =>
    setSearch(contextToSearch({ ...context, [key]: value }));
  const nameOf = (dimension: string, value: string) =>
    options.nameOf(dimension as Parameters<typeof options.nameOf>[0], value);

  return (
    <>
      <PageHeader title={project.data?.name ?? projectParam} subtitle="Variable preview" />
      <ProjectTabs space={space} project={projectParam} />
      <VariablesSubnav space={space} project={projectParam} />
      <form className="card preview-form" aria-label="Preview for" onSubmit={(e) => e.preventDefault()}>
        <p className="muted">
          What each variable resolves to for a deployment, as the server resolves it (the project&apos;s
          current variables, its library sets and the tenant&apos;s values). Sensitive values are never shown.
        </p>
        <div className="preview-choices">
          <Choice
            label="Environment"
            value={context.environment}
            options={options.environments}
            none="Choose an environment"
            onChange={(v) => set('environment', v)}
          />
          <Choice
            label="Tenant"
            value={context.tenant}
            options={options.tenants}
            none="Untenanted"
            onChange={(v) => set('tenant', v)}
          />
          <Choice
            label="Channel"
            value={context.channel}
            options={options.channels}
            none="Default channel"
            onChange={(v) => set('channel', v)}
          />
          <Choice
            label="Step"
            value={context.step}
            options={options.steps}
            none="First step"
            onChange={(v) => set('step', v)}
          />
          <Choice
            label="Target"
            value={context.target}
            options={options.targets}
            none="No target"
            onChange={(v) => set('target', v)}
          />
        </div>
      </form>
      {context.environment === '' ? (
        <EmptyState title="Choose an environment to see what each variable resolves to there." />
      ) : null}
      {preview.isFetching && !preview.data ? <Loading what="Resolving" /> : null}
      {preview.error ? <ErrorMessage error={preview.error} title="No preview" /> : null}
      {preview.data && query ? (
        <section aria-labelledby="preview-results">
          <h2 id="preview-results">Resolved for {contextText(preview.data.context)}</h2>
          {preview.data.variables.length === 0 ? (
            <EmptyState title="This project has no variables yet." />
          ) : (
            <div className="table-wrap">
              <table className="table preview-table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Value</th>
                    <th scope="col">From</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.data.variables.map((v) => (
                    <Fragment key={v.name}>
                      <tr>
                        <th scope="row" className="mono">
                          {v.name}
                          {v.prompt ? (
                            <span className="badge tone-running">
                              Prompted{v.prompt.required ? ', required' : ''}
                            </span>
                          ) : null}
                        </th>
                        <td className="mono">
                          {v.value === null ? <span className="muted">(no value)</span> : v.value}
                          {v.sensitive ? <span className="badge tone-neutral">Sensitive</span> : null}
                          {v.rendered ? (
                            <div
                              className={
                                v.rendered.value === null || v.rendered.missing.length > 0
                                  ? 'field-error'
                                  : 'field-hint'
                              }
                            >
                              {renderedText(v.rendered)}
                            </div>
                          ) : null}
                        </td>
                        <td>{sourceText(v.source)}</td>
                        <td>
                          {v.reason}
                          {v.candidates.length > 1 ? (
                            <>
                              {' '}
                              <Button
                                variant="link"
                                aria-expanded={expanded.has(v.name)}
                                onClick={() =>
                                  setExpanded((s) => {
                                    const next = new Set(s);
                                    if (next.has(v.name)) next.delete(v.name);
                                    else next.add(v.name);
                                    return next;
                                  })
                                }
                              >
                                {expanded.has(v.name) ? 'Hide' : 'Show'} the {v.candidates.length} matching
                                values of {v.name}
                              </Button>
                            </>
                          ) : null}
                        </td>
                      </tr>
                      {expanded.has(v.name) ? (
                        <tr>
                          <td colSpan={4}>
                            <ol
                              className="candidates"
                              aria-label={`Matching values of ${v.name}, winner first`}
                            >
                              {v.candidates.map((c) => (
                                <li key={c.id}>
                                  <span className="mono">{c.value}</span> —{' '}
                                  {scopeSummary(c.scope as VariableScope, nameOf)} ({c.matchedOn}),{' '}
                                  {sourceText(c.source)}
                                </li>
                              ))}
                            </ol>
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
    </>
  );
}
