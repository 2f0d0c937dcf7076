/**
 * A grid row's details: its scope (a checkbox group per dimension that names things, a text list
 * for roles and processes), its description and its prompt.
 */
import { useId } from 'react';
import type { ScopeOptions, Named } from './data.js';
import {
  DIMENSION_LABELS,
  PROMPT_CONTROLS,
  formatOptions,
  parseOptions,
  splitList,
  type Row,
  type ScopeDimension,
  type VariablePrompt,
  type VariableScope,
} from './grid-model.js';

function has(values: readonly string[] | undefined, option: Named): boolean {
  const lower = option.name.toLowerCase();
  return (values ?? []).some((v) => v === option.id || v.toLowerCase() === lower);
}

function CheckboxGroup({
  legend,
  options,
  values,
  onChange,
  empty,
}: {
  legend: string;
  options: Named[];
  values: string[] | undefined;
  onChange: (values: string[]) => void;
  empty: string;
}) {
  return (
    <fieldset className="scope-group">
      <legend>{legend}</legend>
      {options.length === 0 ? <p className="muted">{empty}</p> : null}
      <div className="scope-choices">
        {options.map((o) => (
          <label key={o.id} className="scope-choice">
            <input
              type="checkbox"
              checked={has(values, o)}
              onChange={(e) => {
                const rest = (values ?? []).filter(
                  (v) => v !== o.id && v.toLowerCase() !== o.name.toLowerCase(),
                );
                onChange(e.target.checked ? [...rest, o.id] : rest);
              }}
            />
            {o.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function ListInput({
  label,
  hint,
  values,
  onChange,
}: {
  label: string;
  hint: string;
  values: string[] | undefined;
  onChange: (values: string[]) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-describedby={`${id}-hint`}
        defaultValue={(values ?? []).join(', ')}
        onBlur={(e) => onChange(splitList(e.target.value))}
      />
      <div id={`${id}-hint`} className="field-hint">
        {hint}
      </div>
    </div>
  );
}

/** The details panel of `row`; `allowChannels` is false for library sets (channels belong to a project). */
export function RowDetails({
  row,
  number,
  options,
  allowChannels,
  error,
  onChange,
}: {
  row: Row;
  number: number;
  options: ScopeOptions;
  allowChannels: boolean;
  error: { scope?: string; prompt?: string; description?: string };
  onChange: (row: Row) => void;
}) {
  const id = useId();
  const setScope = (dimension: ScopeDimension, values: string[]) => {
    const scope: VariableScope = { ...row.scope, [dimension]: values };
    onChange({ ...row, scope });
  };
  const setPrompt = (prompt: VariablePrompt | undefined) => {
    const next: Row = { ...row };
    if (prompt) next.prompt = prompt;
    else delete next.prompt;
    onChange(next);
  };
  const prompt = row.prompt;
  const group = (dimension: ScopeDimension, list: Named[], empty: string) => (
    <CheckboxGroup
      legend={DIMENSION_LABELS[dimension]}
      options={list}
      values={row.scope[dimension]}
      onChange={(v) => setScope(dimension, v)}
      empty={empty}
    />
  );
  return (
    <div className="row-details" role="group" aria-label={`Details of row ${number}`}>
      <h3 className="row-details-title">Scope</h3>
      <p className="muted">
        Within a dimension any value matches; across dimensions all must. No choice means any.
      </p>
      {error.scope ? (
        <p className="field-error" role="alert">
          {error.scope}
        </p>
      ) : null}
      <div className="scope-grid">
        {group('environments', options.environments, 'No environments yet.')}
        {allowChannels ? group('channels', options.channels, 'This project has no channels.') : null}
        {group('tenants', options.tenants, 'No tenants yet.')}
        {group('tenantTags', options.tenantTags, 'No tag sets yet.')}
        {group('targets', options.targets, 'No ECS targets yet.')}
        {options.steps.length > 0 ? (
          group('steps', options.steps, '')
        ) : (
          <ListInput
            label="Steps"
            hint="Step names, separated by commas."
            values={row.scope.steps}
            onChange={(v) => setScope('steps', v)}
          />
        )}
        <ListInput
          label="Roles"
          hint={`Target roles, separated by commas${options.roles.length ? ` (in use: ${options.roles.join(', ')})` : ''}.`}
          values={row.scope.roles}
          onChange={(v) => setScope('roles', v)}
        />
        <ListInput
          label="Processes"
          hint="Process names, separated by commas."
          values={row.scope.processes}
          onChange={(v) => setScope('processes', v)}
        />
      </div>
      <div className={`field${error.description ? ' field-invalid' : ''}`}>
        <label htmlFor={`${id}-description`}>Description</label>
        <input
          id={`${id}-description`}
          value={row.description}
          onChange={(e) => onChange({ ...row, description: e.target.value })}
        />
        {error.description ? <div className="field-error">{error.description}</div> : null}
      </div>
      <h3 className="row-details-title">Prompt</h3>
      <label className="scope-choice">
        <input
          type="checkbox"
          checked={prompt !== undefined}
          onChange={(e) =>
            setPrompt(
              e.target.checked ? { label: row.name, required: false, control: 'single-line' } : undefined,
            )
          }
        />
        Prompt for a value when deploying (the value above is the default)
      </label>
      {error.prompt ? (
        <p className="field-error" role="alert">
          {error.prompt}
        </p>
      ) : null}
      {prompt ? (
        <div className="prompt-fields">
          <div className="field">
            <label htmlFor={`${id}-label`}>Prompt label</label>
            <input
              id={`${id}-label`}
              value={prompt.label}
              onChange={(e) => setPrompt({ ...prompt, label: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-pdesc`}>Prompt description</label>
            <input
              id={`${id}-pdesc`}
              value={prompt.description ?? ''}
              onChange={(e) => setPrompt({ ...prompt, description: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-control`}>Control</label>
            <select
              id={`${id}-control`}
              value={prompt.control}
              onChange={(e) => setPrompt({ ...prompt, control: e.target.value as VariablePrompt['control'] })}
            >
              {PROMPT_CONTROLS.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </div>
          <label className="scope-choice">
            <input
              type="checkbox"
              checked={prompt.required}
              onChange={(e) => setPrompt({ ...prompt, required: e.target.checked })}
            />
            A value is required
          </label>
          {prompt.control === 'select' ? (
            <div className="field">
              <label htmlFor={`${id}-options`}>Options</label>
              <textarea
                id={`${id}-options`}
                aria-describedby={`${id}-options-hint`}
                rows={3}
                defaultValue={formatOptions(prompt.options)}
                onBlur={(e) => setPrompt({ ...prompt, options: parseOptions(e.target.value) })}
              />
              <div id={`${id}-options-hint`} className="field-hint">
                One per line: value=Display text.
              </div>
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
