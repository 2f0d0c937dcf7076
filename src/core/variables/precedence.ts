/**
 * Precedence: a total order over the variables of one name that match a context. The most
 * specific value comes first. docs/variables.md, "Precedence", states this order and why.
 */
import type { RankedDimension, ScopeMatch } from './scope.js';
import type { ScopedVariable, VariableSource } from './types.js';

/** The ranked dimensions, most specific first (octopus-model.md's list; "project" and "unscoped" are the source rule). */
export const RANKED_DIMENSIONS = [
  'step',
  'target',
  'stepRole',
  'targetRole',
  'tenant',
  'tenantTag',
  'environment',
  'channel',
  'process',
] as const satisfies readonly RankedDimension[];

const RANK = new Map<RankedDimension, number>(RANKED_DIMENSIONS.map((d, i) => [d, i]));

/** A variable that matched, with how it matched and its position in the input (the last-resort tie-break). */
export interface Candidate {
  variable: ScopedVariable;
  match: ScopeMatch;
  index: number;
}

function ranks(match: ScopeMatch): number[] {
  return match.dimensions.map((d) => RANK.get(d) ?? RANKED_DIMENSIONS.length).sort((a, b) => a - b);
}

/** Orders matches by specificity: more dimensions first, then the better-ranked dimensions (negative: `a` is more specific). */
export function compareSpecificity(a: ScopeMatch, b: ScopeMatch): number {
  if (a.dimensions.length !== b.dimensions.length) return b.dimensions.length - a.dimensions.length;
  const ra = ranks(a);
  const rb = ranks(b);
  for (let i = 0; i < ra.length; i++) {
    const d = (ra[i] ?? 0) - (rb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Code-unit order: deterministic and locale-independent (localeCompare is neither across machines). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders sources: the project first, then library sets by includeOrder (absent: last), then by set id. */
export function compareSources(a: VariableSource, b: VariableSource): number {
  if (a.kind === 'project' || b.kind === 'project') {
    return (a.kind === 'project' ? 0 : 1) - (b.kind === 'project' ? 0 : 1);
  }
  const oa = a.includeOrder ?? Number.POSITIVE_INFINITY;
  const ob = b.includeOrder ?? Number.POSITIVE_INFINITY;
  if (oa !== ob) return oa < ob ? -1 : 1;
  return compareStrings(a.setId, b.setId);
}

/**
 * The total order of precedence (negative: `a` wins): specificity, then source, then the variable
 * id, then input position (only reachable with duplicate ids, which the schema rejects).
 */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    compareSpecificity(a.match, b.match) ||
    compareSources(a.variable.source, b.variable.source) ||
    compareStrings(a.variable.id, b.variable.id) ||
    a.index - b.index
  );
}

/** Sorts candidates of one name, winner first (for "why this value" explanations). */
export function rankCandidates(candidates: readonly Candidate[]): Candidate[] {
  return [...candidates].sort(compareCandidates);
}
