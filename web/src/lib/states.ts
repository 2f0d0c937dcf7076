/**
 * How a deployment's state is shown: a word and a tone (colour), the same everywhere (dashboard
 * cells, release pages, the deployment page). Colour is never the only signal: the word is shown too.
 */
import type { DeploymentState } from '../../../src/core/model/release.js';

/** The tone a state is drawn in (a CSS class `tone-<tone>`). */
export type Tone = 'success' | 'danger' | 'warning' | 'running' | 'neutral';

const STATES: Record<DeploymentState, { label: string; tone: Tone }> = {
  queued: { label: 'Queued', tone: 'neutral' },
  executing: { label: 'Running', tone: 'running' },
  cancelling: { label: 'Cancelling', tone: 'warning' },
  success: { label: 'Success', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
  canceled: { label: 'Canceled', tone: 'warning' },
  'timed-out': { label: 'Timed out', tone: 'danger' },
};

/** The word and tone for `state`; an unknown state is shown as itself, neutral. */
export function stateLook(state: string): { label: string; tone: Tone } {
  return STATES[state as DeploymentState] ?? { label: state, tone: 'neutral' };
}

/** True when no more work will happen (as src/core/model/release.ts isFinalState). */
export function isFinal(state: string): boolean {
  return state === 'success' || state === 'failed' || state === 'canceled' || state === 'timed-out';
}
