/** Retention: keep all releases, the newest N, or those of the last N days (a phase may inherit). */
import { Field } from '../../components/Field.js';
import type { RetentionForm } from './lifecycle-form.js';

/** See the module comment; `errors` are the API's for this retention (`count`, `days`, ''). */
export function RetentionFields({
  label,
  value,
  onChange,
  allowInherit,
  errors,
}: {
  label: string;
  value: RetentionForm;
  onChange: (value: RetentionForm) => void;
  allowInherit: boolean;
  errors: Record<string, string | undefined>;
}) {
  const numberError = value.keep === 'count' ? errors.count : value.keep === 'days' ? errors.days : undefined;
  return (
    <div className="library-inline">
      <Field label={label} error={errors['']}>
        <select
          value={value.keep}
          onChange={(e) => onChange({ ...value, keep: e.target.value as RetentionForm['keep'] })}
        >
          {allowInherit ? <option value="inherit">As the lifecycle</option> : null}
          <option value="all">Keep every release</option>
          <option value="count">Keep the newest releases</option>
          <option value="days">Keep releases of the last days</option>
        </select>
      </Field>
      {value.keep === 'count' || value.keep === 'days' ? (
        <Field
          label={value.keep === 'count' ? `${label}: how many releases` : `${label}: how many days`}
          error={numberError}
        >
          <input
            inputMode="numeric"
            size={6}
            value={value.value}
            onChange={(e) => onChange({ ...value, value: e.target.value })}
          />
        </Field>
      ) : null}
    </div>
  );
}
