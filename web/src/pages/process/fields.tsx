/**
 * The process editor's inputs, each bound to a form path (react-hook-form) and showing the API's
 * message for that path: text, numbers (or #{...} templates), selects, checkboxes, lists of strings,
 * checkbox groups of the space's resources, and lists of rows (environment variables, ports...).
 */
import { useId, useState, type ReactNode } from 'react';
import { Controller, useFieldArray, useFormContext } from 'react-hook-form';
import { Field } from '../../components/Field.js';
import { useFieldError, type Option } from './editor-context.js';
import { numberOrTemplate, type JsonObject } from './process-model.js';

interface Common {
  path: string;
  label: string;
  hint?: ReactNode;
  required?: boolean;
}

/** A one-line text input (or a textarea with `rows`). */
export function TextInput({
  path,
  label,
  hint,
  required,
  rows,
  mono,
  optional,
}: Common & { rows?: number; mono?: boolean; optional?: boolean }) {
  const { register } = useFormContext();
  const error = useFieldError(path);
  const className = mono ? 'mono' : undefined;
  const props = register(path, optional ? { setValueAs: (v: unknown) => (v === '' ? undefined : v) } : {});
  return (
    <Field label={label} hint={hint} error={error} required={required ?? false}>
      {rows ? (
        <textarea rows={rows} className={className} {...props} />
      ) : (
        <input className={className} {...props} />
      )}
    </Field>
  );
}

/** A whole number, or a #{...} template where the field takes one. */
export function NumberInput({ path, label, hint, required }: Common) {
  const { register } = useFormContext();
  const error = useFieldError(path);
  return (
    <Field label={label} hint={hint} error={error} required={required ?? false}>
      <input
        inputMode="numeric"
        className="input-short"
        {...register(path, { setValueAs: numberOrTemplate })}
      />
    </Field>
  );
}

/** A select of `options`; `emptyLabel` adds a first choice that leaves the field out. */
export function SelectInput({
  path,
  label,
  hint,
  options,
  emptyLabel,
}: Common & { options: Option[]; emptyLabel?: string }) {
  const { register } = useFormContext();
  const error = useFieldError(path);
  return (
    <Field label={label} hint={hint} error={error}>
      <select {...register(path, { setValueAs: (v: unknown) => (v === '' ? undefined : v) })}>
        {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A checkbox with its label after it. */
export function Checkbox({ path, label, hint }: Common) {
  const { register } = useFormContext();
  const error = useFieldError(path);
  const id = useId();
  return (
    <div className={`field field-check${error ? ' field-invalid' : ''}`}>
      <input
        type="checkbox"
        id={id}
        aria-describedby={hint || error ? `${id}-more` : undefined}
        {...register(path)}
      />
      <label htmlFor={id}>{label}</label>
      {hint || error ? (
        <div id={`${id}-more`} className={error ? 'field-error' : 'field-hint'}>
          {error ?? hint}
        </div>
      ) : null}
    </div>
  );
}

const splitList = (text: string, lines: boolean) =>
  text
    .split(lines ? /\n/ : /,/)
    .map((s) => (lines ? s : s.trim()))
    .filter((s) => s.trim() !== '');

/** A list of strings typed as "a, b, c" (or one per line with `lines`, for commands). */
export function StringList({ path, label, hint, lines }: Common & { lines?: boolean }) {
  const { control } = useFormContext();
  const error = useFieldError(path);
  return (
    <Controller
      control={control}
      name={path}
      render={({ field }) => (
        <StringListControl
          value={Array.isArray(field.value) ? (field.value as string[]) : []}
          onChange={field.onChange}
          onBlur={field.onBlur}
          label={label}
          hint={hint ?? (lines ? 'One per line.' : 'Separate them with commas.')}
          error={error}
          lines={lines ?? false}
        />
      )}
    />
  );
}

function StringListControl({
  value,
  onChange,
  onBlur,
  label,
  hint,
  error,
  lines,
}: {
  value: string[];
  onChange: (v: string[]) => void;
  onBlur: () => void;
  label: string;
  hint: ReactNode;
  error: string | undefined;
  lines: boolean;
}) {
  const joined = value.join(lines ? '\n' : ', ');
  const [text, setText] = useState(joined);
  // A reset or a reload changes the value from outside: show it, unless it is what the text says.
  const [seen, setSeen] = useState(joined);
  if (joined !== seen) {
    setSeen(joined);
    if (splitList(text, lines).join('\u0000') !== value.join('\u0000')) setText(joined);
  }
  const change = (next: string) => {
    setText(next);
    onChange(splitList(next, lines));
  };
  return (
    <Field label={label} hint={hint} error={error}>
      {lines ? (
        <textarea
          rows={3}
          className="mono"
          value={text}
          onChange={(e) => change(e.target.value)}
          onBlur={onBlur}
        />
      ) : (
        <input value={text} onChange={(e) => change(e.target.value)} onBlur={onBlur} />
      )}
    </Field>
  );
}

/** Checkboxes for a list of ids (environments, channels, tags, teams); values not in `options` still show. */
export function CheckboxGroup({
  path,
  label,
  hint,
  options,
  empty,
}: Common & { options: Option[]; empty: string }) {
  const { control } = useFormContext();
  const error = useFieldError(path);
  const id = useId();
  return (
    <Controller
      control={control}
      name={path}
      render={({ field }) => {
        const value = Array.isArray(field.value) ? (field.value as string[]) : [];
        const known = new Set(options.map((o) => o.value.toLowerCase()));
        const all = [
          ...options,
          ...value.filter((v) => !known.has(v.toLowerCase())).map((v) => ({ value: v, label: v })),
        ];
        const toggle = (v: string, on: boolean) =>
          field.onChange(on ? [...value, v] : value.filter((x) => x.toLowerCase() !== v.toLowerCase()));
        return (
          <fieldset
            className={`field checkbox-group${error ? ' field-invalid' : ''}`}
            aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
          >
            <legend>{label}</legend>
            {all.length === 0 ? <p className="muted">{empty}</p> : null}
            <div className="checkbox-options">
              {all.map((o) => (
                <label key={o.value} className="checkbox-option">
                  <input
                    type="checkbox"
                    checked={value.some((v) => v.toLowerCase() === o.value.toLowerCase())}
                    onChange={(e) => toggle(o.value, e.target.checked)}
                  />{' '}
                  {o.label}
                </label>
              ))}
            </div>
            <div id={`${id}-hint`} className="field-hint">
              {hint}
            </div>
            {error ? (
              <div id={`${id}-error`} className="field-error" role="alert">
                {error}
              </div>
            ) : null}
          </fieldset>
        );
      }}
    />
  );
}

/**
 * A list of rows (objects) under `path`, each drawn by `row(prefix, index)`, with Add and Remove.
 * `item` names one row for the buttons ("environment variable").
 */
export function RowList({
  path,
  label,
  item,
  newRow,
  row,
  hint,
}: {
  path: string;
  label: string;
  item: string;
  newRow: () => JsonObject;
  row: (prefix: string, index: number) => ReactNode;
  hint?: ReactNode;
}) {
  const { control } = useFormContext();
  const { fields, append, remove } = useFieldArray({ control, name: path });
  const error = useFieldError(path);
  return (
    <fieldset className={`row-list${error ? ' field-invalid' : ''}`}>
      <legend>{label}</legend>
      {hint ? <p className="field-hint">{hint}</p> : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {fields.length === 0 ? <p className="muted">None.</p> : null}
      {fields.map((f, i) => (
        <div key={f.id} className="row-list-row">
          <div className="row-list-fields">{row(`${path}.${i}`, i)}</div>
          <button type="button" className="btn btn-link" onClick={() => remove(i)}>
            Remove<span className="visually-hidden">{` ${item} ${i + 1}`}</span>
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-secondary" onClick={() => append(newRow())}>
        Add {item}
      </button>
    </fieldset>
  );
}

/** Environment variables (`{name, value}`) of a container. */
export function EnvironmentList({ path, label = 'Environment variables' }: { path: string; label?: string }) {
  return (
    <RowList
      path={path}
      label={label}
      item="environment variable"
      newRow={() => ({ name: '', value: '' })}
      hint="Values may use #{...} variables; sensitive ones are delivered as secrets."
      row={(p, i) => (
        <>
          <TextInput path={`${p}.name`} label={`Name ${i + 1}`} mono />
          <TextInput path={`${p}.value`} label={`Value ${i + 1}`} />
        </>
      )}
    />
  );
}

/** Secrets (`{name, valueFrom}`) of a container. */
export function SecretList({ path }: { path: string }) {
  return (
    <RowList
      path={path}
      label="Secrets"
      item="secret"
      newRow={() => ({ name: '', valueFrom: '' })}
      hint="Read by ECS when a task starts: a Secrets Manager secret ARN, an SSM parameter ARN or a parameter name."
      row={(p, i) => (
        <>
          <TextInput path={`${p}.name`} label={`Secret name ${i + 1}`} mono />
          <TextInput path={`${p}.valueFrom`} label={`Value from ${i + 1}`} mono />
        </>
      )}
    />
  );
}

/** AWS tags (`{key, value}`). */
export function TagList({ path, label = 'Tags' }: { path: string; label?: string }) {
  return (
    <RowList
      path={path}
      label={label}
      item="tag"
      newRow={() => ({ key: '', value: '' })}
      row={(p, i) => (
        <>
          <TextInput path={`${p}.key`} label={`Tag key ${i + 1}`} />
          <TextInput path={`${p}.value`} label={`Tag value ${i + 1}`} />
        </>
      )}
    />
  );
}

/** Environment files (`{value}`: S3 ARNs ending in .env). */
export function EnvironmentFileList({ path }: { path: string }) {
  return (
    <RowList
      path={path}
      label="Environment files"
      item="environment file"
      newRow={() => ({ value: '' })}
      row={(p, i) => (
        <TextInput
          path={`${p}.value`}
          label={`S3 object ARN ${i + 1}`}
          mono
          hint="e.g. arn:aws:s3:::my-config/app/prod.env"
        />
      )}
    />
  );
}
