/**
 * The lifecycle editor's form and the document it becomes: phases with their automatic and manual
 * environments, the minimum before promotion, optional, and retention (the lifecycle's and a
 * phase's own). Numbers stay text while typed; the API names what is wrong with them.
 */
import type { LifecycleJson, PhaseJson, Retention } from './types.js';

/** Retention as a form: "inherit" (a phase only: the lifecycle's), all, count or days with the number. */
export interface RetentionForm {
  keep: 'inherit' | 'all' | 'count' | 'days';
  value: string;
}

/** How a phase takes an environment. */
export type EnvironmentMode = 'none' | 'manual' | 'automatic';

/** One phase being edited; `key` keeps React's list identity while phases move. */
export interface PhaseForm {
  key: string;
  name: string;
  automaticEnvironments: string[];
  manualEnvironments: string[];
  minimum: string;
  optional: boolean;
  retention: RetentionForm;
}

/** The whole lifecycle being edited. */
export interface LifecycleForm {
  name: string;
  description: string;
  retention: RetentionForm;
  phases: PhaseForm[];
}

/** The lifecycle document a POST or PUT takes. */
export interface LifecycleDocument {
  name: string;
  description: string;
  phases: PhaseJson[];
  retention: Retention;
}

let nextKey = 0;
/** A fresh list key for a phase. */
export function phaseKey(): string {
  nextKey += 1;
  return `phase-${nextKey}`;
}

function retentionToForm(r: Retention | undefined): RetentionForm {
  if (r === undefined) return { keep: 'inherit', value: '' };
  if (r.keep === 'count') return { keep: 'count', value: String(r.count) };
  if (r.keep === 'days') return { keep: 'days', value: String(r.days) };
  return { keep: 'all', value: '' };
}

/** Text as a number when it is one, else the text (the API then says what it must be). */
function numberOrText(text: string): number {
  const trimmed = text.trim();
  return (/^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed) as number;
}

function formToRetention(r: RetentionForm): Retention | undefined {
  if (r.keep === 'inherit') return undefined;
  if (r.keep === 'count') return { keep: 'count', count: numberOrText(r.value) };
  if (r.keep === 'days') return { keep: 'days', days: numberOrText(r.value) };
  return { keep: 'all' };
}

/** An empty lifecycle form (a new lifecycle). */
export function emptyLifecycleForm(): LifecycleForm {
  return { name: '', description: '', retention: { keep: 'all', value: '' }, phases: [] };
}

/** A new phase named `name`, without environments. */
export function newPhase(name: string): PhaseForm {
  return {
    key: phaseKey(),
    name,
    automaticEnvironments: [],
    manualEnvironments: [],
    minimum: '0',
    optional: false,
    retention: { keep: 'inherit', value: '' },
  };
}

/** The form for a lifecycle as read. */
export function lifecycleToForm(l: LifecycleJson): LifecycleForm {
  return {
    name: l.name,
    description: l.description,
    retention: retentionToForm(l.retention),
    phases: l.phases.map((p) => ({
      key: phaseKey(),
      name: p.name,
      automaticEnvironments: [...p.automaticEnvironments],
      manualEnvironments: [...p.manualEnvironments],
      minimum: String(p.minimumEnvironmentsBeforePromotion),
      optional: p.optional,
      retention: retentionToForm(p.retention),
    })),
  };
}

/** The document for a form. */
export function formToLifecycle(f: LifecycleForm): LifecycleDocument {
  return {
    name: f.name.trim(),
    description: f.description,
    retention: formToRetention(f.retention) ?? { keep: 'all' },
    phases: f.phases.map((p) => {
      const retention = formToRetention(p.retention);
      return {
        name: p.name.trim(),
        automaticEnvironments: p.automaticEnvironments,
        manualEnvironments: p.manualEnvironments,
        minimumEnvironmentsBeforePromotion: numberOrText(p.minimum === '' ? '0' : p.minimum),
        optional: p.optional,
        ...(retention === undefined ? {} : { retention }),
      };
    }),
  };
}

/** How `phase` takes environment `id`. */
export function environmentMode(phase: PhaseForm, id: string): EnvironmentMode {
  if (phase.automaticEnvironments.includes(id)) return 'automatic';
  if (phase.manualEnvironments.includes(id)) return 'manual';
  return 'none';
}

/** `phase` taking environment `id` the way `mode` says (order of the lists is kept). */
export function setEnvironmentMode(phase: PhaseForm, id: string, mode: EnvironmentMode): PhaseForm {
  const without = (list: string[]) => list.filter((e) => e !== id);
  const automatic = without(phase.automaticEnvironments);
  const manual = without(phase.manualEnvironments);
  if (mode === 'automatic') automatic.push(id);
  if (mode === 'manual') manual.push(id);
  return { ...phase, automaticEnvironments: automatic, manualEnvironments: manual };
}

/** The phase (by name) that already takes environment `id`, other than the phase at `except`. */
export function phaseHolding(phases: readonly PhaseForm[], id: string, except: number): string | undefined {
  return phases.find((p, i) => i !== except && environmentMode(p, id) !== 'none')?.name;
}

/** A phase's environments in words, with names from `names` (ids unknown to it shown as they are). */
export function describePhase(phase: PhaseJson, names: ReadonlyMap<string, string>): string {
  const name = (id: string) => names.get(id) ?? id;
  const parts: string[] = [];
  if (phase.automaticEnvironments.length > 0)
    parts.push(`automatic: ${phase.automaticEnvironments.map(name).join(', ')}`);
  if (phase.manualEnvironments.length > 0)
    parts.push(`manual: ${phase.manualEnvironments.map(name).join(', ')}`);
  if (parts.length === 0) parts.push('every environment no other phase names');
  if (phase.optional) parts.push('optional');
  return parts.join('; ');
}
