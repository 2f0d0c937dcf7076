/**
 * Words for the variable preview: why the winning value of a name beat the next one, in the terms
 * of docs/variables.md ("Precedence"), computed with core's own comparisons so the words can never
 * disagree with the order resolution used.
 */
import {
  compareSources,
  compareSpecificity,
  RANKED_DIMENSIONS,
  type Candidate,
  type RankedDimension,
} from '../../core/variables/index.js';
import type { VariableSource } from '../../core/variables/types.js';

/** How each ranked dimension reads in an explanation. */
export const DIMENSION_WORDS: Record<RankedDimension, string> = {
  step: 'step',
  target: 'target',
  stepRole: 'step role',
  targetRole: 'target role',
  tenant: 'tenant',
  tenantTag: 'tenant tag',
  environment: 'environment',
  channel: 'channel',
  process: 'process',
};

const RANK = new Map<RankedDimension, number>(RANKED_DIMENSIONS.map((d, i) => [d, i]));

/** The matched dimensions, best-ranked first ("environment, channel"), or "unscoped". */
export function dimensionsText(dimensions: readonly RankedDimension[]): string {
  if (dimensions.length === 0) return 'unscoped';
  return [...dimensions]
    .sort((a, b) => (RANK.get(a) ?? 99) - (RANK.get(b) ?? 99))
    .map((d) => DIMENSION_WORDS[d])
    .join(', ');
}

function sourceText(source: VariableSource): string {
  return source.kind === 'project' ? 'the project' : `library set "${source.setName}"`;
}

function sorted(dimensions: readonly RankedDimension[]): RankedDimension[] {
  return [...dimensions].sort((a, b) => (RANK.get(a) ?? 99) - (RANK.get(b) ?? 99));
}

/** Why `ranked[0]` won (ranked: every matching value of one name, winner first, by rankCandidates). */
export function explainWinner(ranked: readonly Candidate[]): string {
  const [winner, next] = ranked;
  if (winner === undefined) return 'No value of this name matches.';
  const on = winner.match.dimensions;
  const scoped = on.length === 0 ? 'unscoped' : `scoped on ${dimensionsText(on)}`;
  if (next === undefined) return `The only value that matches (${scoped}).`;
  const others = ranked.length - 1;
  const beats = `beats ${others} other matching value${others === 1 ? '' : 's'}`;
  const theirs = next.match.dimensions;
  if (on.length !== theirs.length) {
    return (
      `Scoped on ${on.length} dimension${on.length === 1 ? '' : 's'} (${dimensionsText(on)}), more than the ` +
      `next value's ${theirs.length === 0 ? 'none (unscoped)' : `${theirs.length} (${dimensionsText(theirs)})`}: ` +
      `more dimensions win; ${beats}.`
    );
  }
  if (compareSpecificity(winner.match, next.match) !== 0) {
    const a = sorted(on);
    const b = sorted(theirs);
    const i = a.findIndex((d, k) => d !== b[k]);
    const mine = a[i];
    const its = b[i];
    if (mine !== undefined && its !== undefined) {
      return `Both are scoped on ${on.length} dimension${on.length === 1 ? '' : 's'}; ${DIMENSION_WORDS[mine]} ranks above ${DIMENSION_WORDS[its]}; ${beats}.`;
    }
  }
  if (compareSources(winner.variable.source, next.variable.source) !== 0) {
    const why =
      winner.variable.source.kind === 'project'
        ? 'a project value beats a library set value'
        : 'the set included first wins';
    return `Equally specific (${scoped}) as a value from ${sourceText(next.variable.source)}: ${why}; ${beats}.`;
  }
  return (
    `Equally specific (${scoped}) and from the same source as another value: the smaller id wins. ` +
    'Avoid such overlaps: give the intended winner one more dimension.'
  );
}
