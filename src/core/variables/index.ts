/**
 * Choosing the value of each variable for a deployment context, and masking sensitive values.
 * docs/variables.md describes the model, the matching rules and the order of precedence.
 */
import { compareCandidates, type Candidate } from './precedence.js';
import { foldCase, matchScope } from './scope.js';
import type { DeploymentContext, ScopedVariable } from './types.js';

export type * from './types.js';
export {
  SCOPE_KEYS,
  foldCase,
  matchScope,
  roleMatch,
  type RankedDimension,
  type ScopeMatch,
} from './scope.js';
export {
  RANKED_DIMENSIONS,
  compareCandidates,
  compareSources,
  compareSpecificity,
  rankCandidates,
  type Candidate,
} from './precedence.js';
export {
  deploymentContextSchema,
  parseDeploymentContext,
  parseScopedVariables,
  scopedVariableSchema,
  scopedVariablesSchema,
  variablePromptSchema,
  variableScopeSchema,
  variableSourceSchema,
} from './schema.js';

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

/** Sets an own property even for names like `__proto__`, which plain assignment would turn into a prototype change. */
function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Every variable of `name` (case-insensitive) that matches `context`, unordered; rankCandidates orders them. */
export function candidatesFor(
  variables: readonly ScopedVariable[],
  context: DeploymentContext,
  name: string,
): Candidate[] {
  const key = foldCase(name);
  const out: Candidate[] = [];
  variables.forEach((variable, index) => {
    if (foldCase(variable.name) !== key) return;
    const match = matchScope(variable.scope, context);
    if (match !== undefined) out.push({ variable, match, index });
  });
  return out;
}

/** Picks, for each name, the matching value of highest precedence (docs/variables.md states the order and the tie-break). */
export function resolveVariables(
  variables: readonly ScopedVariable[],
  context: DeploymentContext,
): ResolvedVariables {
  // Spelling is taken from the first variable of a name in the input, matching or not, so the key
  // of a name does not change from one environment to the next.
  const spelling = new Map<string, string>();
  const best = new Map<string, Candidate>();
  variables.forEach((variable, index) => {
    const key = foldCase(variable.name);
    if (!spelling.has(key)) spelling.set(key, variable.name);
    const match = matchScope(variable.scope, context);
    if (match === undefined) return;
    const candidate: Candidate = { variable, match, index };
    const current = best.get(key);
    if (current === undefined || compareCandidates(candidate, current) < 0) best.set(key, candidate);
  });

  const result: ResolvedVariables = { values: {}, chosen: {}, sensitiveValues: [], prompted: [] };
  // Output in order of first appearance of each name, independent of which value won.
  for (const [key, name] of spelling) {
    const winner = best.get(key)?.variable;
    if (winner === undefined) continue;
    setOwn(result.values, name, winner.value);
    setOwn(result.chosen, key, winner);
    // An empty secret cannot be masked, and one value listed twice would only be masked twice.
    if (
      winner.type === 'sensitive' &&
      winner.value !== '' &&
      !result.sensitiveValues.includes(winner.value)
    ) {
      result.sensitiveValues.push(winner.value);
    }
    if (winner.prompt !== undefined) result.prompted.push(winner);
  }
  return result;
}
