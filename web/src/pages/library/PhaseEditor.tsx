/** One phase of the lifecycle editor: name, each environment (manual, automatic or not in it), rules. */
import { Button } from '../../components/Button.js';
import { Field } from '../../components/Field.js';
import {
  environmentMode,
  phaseHolding,
  setEnvironmentMode,
  type EnvironmentMode,
  type PhaseForm,
} from './lifecycle-form.js';
import { RetentionFields } from './RetentionFields.js';
import type { EnvironmentJson } from './types.js';

/** The API's errors of phase `index`, by the field below `phases[index]` (`name`, `manualEnvironments[0]`). */
export function phaseErrors(errors: Record<string, string>, index: number): Record<string, string> {
  const prefix = `phases[${index}]`;
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors)) {
    if (key === prefix) out[''] ??= message;
    else if (key.startsWith(`${prefix}.`)) out[key.slice(prefix.length + 1)] ??= message;
  }
  return out;
}

/** See the module comment. */
export function PhaseEditor({
  phase,
  index,
  phases,
  environments,
  errors,
  onChange,
  onMove,
  onRemove,
}: {
  phase: PhaseForm;
  index: number;
  phases: readonly PhaseForm[];
  environments: readonly EnvironmentJson[];
  errors: Record<string, string>;
  onChange: (phase: PhaseForm) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  const title = phase.name.trim() === '' ? `Phase ${index + 1}` : phase.name;
  const envErrors = Object.entries(errors)
    .filter(([k]) => k.startsWith('automaticEnvironments') || k.startsWith('manualEnvironments'))
    .map(([, m]) => m);
  const retentionErrors = Object.fromEntries(
    Object.entries(errors)
      .filter(([k]) => k === 'retention' || k.startsWith('retention.'))
      .map(([k, m]) => [k === 'retention' ? '' : k.slice('retention.'.length), m]),
  );
  return (
    <fieldset className="card library-phase">
      <legend>
        Phase {index + 1}: {title}
      </legend>
      <div className="library-inline">
        <Field label={`Name of phase ${index + 1}`} required error={errors.name}>
          <input value={phase.name} onChange={(e) => onChange({ ...phase, name: e.target.value })} />
        </Field>
        <Field
          label={`Minimum environments before promotion (phase ${index + 1})`}
          hint="0 means all of the phase's environments"
          error={errors.minimumEnvironmentsBeforePromotion}
        >
          <input
            inputMode="numeric"
            size={6}
            value={phase.minimum}
            onChange={(e) => onChange({ ...phase, minimum: e.target.value })}
          />
        </Field>
      </div>
      <table className="table library-env-modes">
        <caption>Environments of {title}</caption>
        <thead>
          <tr>
            <th scope="col">Environment</th>
            <th scope="col">In this phase</th>
          </tr>
        </thead>
        <tbody>
          {environments.map((env) => {
            const holder = phaseHolding(phases, env.id, index);
            const mode = environmentMode(phase, env.id);
            return (
              <tr key={env.id}>
                <th scope="row">{env.name}</th>
                <td>
                  <select
                    aria-label={`${env.name} in ${title}`}
                    value={mode}
                    onChange={(e) =>
                      onChange(setEnvironmentMode(phase, env.id, e.target.value as EnvironmentMode))
                    }
                  >
                    <option value="none">Not in this phase</option>
                    <option value="manual">Manual</option>
                    <option value="automatic">Automatic (deployed when the phase opens)</option>
                  </select>
                  {holder !== undefined ? <span className="muted"> (in phase {holder})</span> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {envErrors.map((m) => (
        <p key={m} className="field-error" role="alert">
          {m}
        </p>
      ))}
      {phase.automaticEnvironments.length + phase.manualEnvironments.length === 0 ? (
        <p className="muted">
          Without environments this phase covers every environment no other phase names.
        </p>
      ) : null}
      <label className="library-check">
        <input
          type="checkbox"
          checked={phase.optional}
          onChange={(e) => onChange({ ...phase, optional: e.target.checked })}
        />{' '}
        Optional (does not hold back later phases)
      </label>
      <RetentionFields
        label={`Retention of phase ${index + 1}`}
        value={phase.retention}
        allowInherit
        errors={retentionErrors}
        onChange={(retention) => onChange({ ...phase, retention })}
      />
      {errors[''] ? (
        <p className="field-error" role="alert">
          {errors['']}
        </p>
      ) : null}
      <div className="form-actions">
        <Button aria-label={`Move up phase ${title}`} disabled={index === 0} onClick={() => onMove(-1)}>
          Move up
        </Button>
        <Button
          aria-label={`Move down phase ${title}`}
          disabled={index === phases.length - 1}
          onClick={() => onMove(1)}
        >
          Move down
        </Button>
        <Button variant="danger" aria-label={`Remove phase ${title}`} onClick={onRemove}>
          Remove phase
        </Button>
      </div>
    </fieldset>
  );
}
