/**
 * One step in the list: its number, name (a button that opens and closes its form), type and
 * badges, and the buttons that move, duplicate, disable and delete it (delete asks first).
 */
import { useState } from 'react';
import { useWatch } from 'react-hook-form';
import { StepEditor } from './StepEditor.js';
import { stepSummary, stepTypeLabel, type StepForm } from './process-model.js';

/** What the list does with a step; the page owns the field array. */
export interface StepCardActions {
  toggle(): void;
  moveUp(): void;
  moveDown(): void;
  duplicate(): void;
  setDisabled(disabled: boolean): void;
  remove(): void;
}

/** StepCard props. */
export interface StepCardProps {
  /** The field array's stable id of the step (for element ids). */
  id: string;
  index: number;
  count: number;
  open: boolean;
  readOnly: boolean;
  errorCount: number;
  actions: StepCardActions;
}

/** See the module comment. */
export function StepCard({ id, index, count, open, readOnly, errorCount, actions }: StepCardProps) {
  const step = useWatch({ name: `steps.${index}` }) as StepForm | undefined;
  const [confirming, setConfirming] = useState(false);
  if (!step) return null;
  const name = step.name || `Step ${index + 1} (no name)`;
  const summary = stepSummary(step);
  const vh = (text: string) => <span className="visually-hidden">{` ${text}`}</span>;
  return (
    <li
      className={`card step-card${step.disabled ? ' step-disabled' : ''}`}
      aria-labelledby={`step-${id}-title`}
    >
      <div className="step-header">
        <h2 className="step-title" id={`step-${id}-title`}>
          <span className="step-number">{index + 1}.</span>{' '}
          <button
            type="button"
            id={`step-${id}-toggle`}
            className="step-toggle"
            aria-expanded={open}
            aria-controls={`step-${id}-body`}
            onClick={actions.toggle}
          >
            <span aria-hidden="true" className="step-chevron">
              {open ? '▾' : '▸'}
            </span>
            <span className="step-name">{name}</span>
          </button>
        </h2>
        <div className="step-meta">
          <span className="muted">
            {stepTypeLabel(step.action.type)}
            {summary ? ` · ${summary}` : ''}
          </span>
          {step.disabled ? <span className="badge tone-neutral">Disabled</span> : null}
          {errorCount > 0 ? (
            <span className="badge tone-danger">
              {errorCount} {errorCount === 1 ? 'problem' : 'problems'}
            </span>
          ) : null}
        </div>
        {readOnly ? null : (
          <div className="step-actions">
            <button
              type="button"
              id={`step-${id}-up`}
              className="btn btn-secondary btn-small"
              disabled={index === 0}
              onClick={actions.moveUp}
            >
              Move up{vh(name)}
            </button>
            <button
              type="button"
              id={`step-${id}-down`}
              className="btn btn-secondary btn-small"
              disabled={index === count - 1}
              onClick={actions.moveDown}
            >
              Move down{vh(name)}
            </button>
            <button type="button" className="btn btn-secondary btn-small" onClick={actions.duplicate}>
              Duplicate{vh(name)}
            </button>
            <button
              type="button"
              className="btn btn-secondary btn-small"
              onClick={() => actions.setDisabled(!step.disabled)}
            >
              {step.disabled ? 'Enable' : 'Disable'}
              {vh(name)}
            </button>
            <button
              type="button"
              className="btn btn-danger btn-small"
              aria-expanded={confirming}
              onClick={() => setConfirming(true)}
            >
              Delete{vh(name)}
            </button>
          </div>
        )}
      </div>
      {confirming ? (
        <div className="notice notice-warning step-confirm" role="group" aria-label={`Delete ${name}?`}>
          <span>
            Delete the step “{name}”? It goes when you save; until then “Discard changes” brings it back.
          </span>
          <button type="button" className="btn btn-danger btn-small" onClick={actions.remove}>
            Delete step
          </button>
          <button type="button" className="btn btn-secondary btn-small" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      ) : null}
      {open ? (
        <div id={`step-${id}-body`}>
          <fieldset className="step-fieldset" disabled={readOnly}>
            <legend className="visually-hidden">{name}</legend>
            <StepEditor index={index} />
          </fieldset>
        </div>
      ) : null}
    </li>
  );
}
