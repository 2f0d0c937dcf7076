/**
 * Choosing the value of each variable for a deployment context, and masking sensitive values.
 * CONTRACT STUB: signatures fixed, bodies being written (issue 4).
 */
import { SlipwayError } from '../errors.js';
import type { DeploymentContext, ScopedVariable } from './types.js';

export type * from './types.js';

export interface ResolvedVariables {
  /** Name (as first written) → the chosen value: feed this to renderTemplate. */
  values: Record<string, string>;
  /** The chosen variable per lower-cased name (for "why this value" explanations). */
  chosen: Record<string, ScopedVariable>;
  /** Values of chosen sensitive variables (for the masker). */
  sensitiveValues: string[];
  /** Chosen variables with a prompt: the deployment must supply (or confirm) their values. */
  prompted: ScopedVariable[];
}

/** Picks, for each name, the matching value of highest precedence (docs/variables.md states the order and the tie-break). */
export function resolveVariables(
  _variables: ScopedVariable[],
  _context: DeploymentContext,
): ResolvedVariables {
  throw new SlipwayError('NOT_IMPLEMENTED', 'resolveVariables is being written');
}
