import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { candidatesFor, resolveVariables } from './index.js';
import { RANKED_DIMENSIONS, rankCandidates } from './precedence.js';
import { FULL, PROJECT, library, variable } from '../../../test/kits/variables.js';
import type { DeploymentContext, ScopedVariable, VariableScope, VariableSource } from './types.js';

/** The spec's list, most specific first; "project" = an unscoped project value, "unscoped" = an unscoped library value. */
const LEVELS: [string, VariableScope][] = [
  ['step', { steps: ['deploy'] }],
  ['target', { targets: ['ecs-1'] }],
  ['stepRole', { roles: ['web'] }],
  ['targetRole', { roles: ['db'] }],
  ['tenant', { tenants: ['tenant-acme'] }],
  ['tenantTag', { tenantTags: ['Region/EU'] }],
  ['environment', { environments: ['Production'] }],
  ['channel', { channels: ['Beta'] }],
  ['process', { processes: ['deployment'] }],
  ['project', {}],
  ['unscoped', {}],
];

/** The winner of `variables` for the name "X" in `context`. */
function winner(variables: ScopedVariable[], context: DeploymentContext = FULL): string | undefined {
  return resolveVariables(variables, context).values['X'];
}

/** A value of X at a level: the source works *against* the higher level, so only the level can explain a win. */
function atLevel(index: number, higher: boolean): ScopedVariable {
  const [label, scope] = LEVELS[index]!;
  const source: VariableSource =
    label === 'project' ? PROJECT : label === 'unscoped' ? library('lib') : higher ? library('lib') : PROJECT;
  // Ids also work against the higher level (the higher one has the larger id).
  return variable(`${higher ? 'z' : 'a'}-${label}`, 'X', label, scope, { source });
}

describe('precedence: every pair of the ranked list', () => {
  it('the test levels line up with RANKED_DIMENSIONS', () => {
    assert.deepEqual(
      LEVELS.slice(0, RANKED_DIMENSIONS.length).map(([l]) => l),
      [...RANKED_DIMENSIONS],
    );
  });

  for (let i = 0; i < LEVELS.length; i++) {
    for (let j = i + 1; j < LEVELS.length; j++) {
      const [a] = LEVELS[i]!;
      const [b] = LEVELS[j]!;
      it(`${a} beats ${b}, in either input order`, () => {
        const hi = atLevel(i, true);
        const lo = atLevel(j, false);
        assert.equal(winner([hi, lo]), a);
        assert.equal(winner([lo, hi]), a);
      });
    }
  }

  it('ranking all levels at once gives the list in order', () => {
    const all = LEVELS.map((_, i) => atLevel(i, i % 2 === 0)).reverse();
    const ranked = rankCandidates(candidatesFor(all, FULL, 'x')).map((c) => c.variable.value);
    assert.deepEqual(
      ranked,
      LEVELS.map(([l]) => l),
    );
  });
});

describe('precedence: more dimensions beat fewer', () => {
  const cases: [string, VariableScope, VariableScope][] = [
    [
      'environment + process over step',
      { environments: ['Production'], processes: ['deployment'] },
      { steps: ['deploy'] },
    ],
    [
      'channel + process over target',
      { channels: ['Beta'], processes: ['deployment'] },
      { targets: ['ecs-1'] },
    ],
    [
      'environment + channel over tenant',
      { environments: ['Production'], channels: ['Beta'] },
      { tenants: ['tenant-acme'] },
    ],
    [
      'superset: environment + role over environment',
      { environments: ['Production'], roles: ['db'] },
      { environments: ['Production'] },
    ],
    [
      'three over two: environment + channel + process over step + target',
      { environments: ['Production'], channels: ['Beta'], processes: ['deployment'] },
      { steps: ['deploy'], targets: ['ecs-1'] },
    ],
    ['one dimension over none', { processes: ['deployment'] }, {}],
  ];
  for (const [title, more, fewer] of cases) {
    it(title, () => {
      const m = variable('a-more', 'X', 'more', more, { source: library('lib') });
      const f = variable('b-fewer', 'X', 'fewer', fewer);
      assert.equal(winner([f, m]), 'more');
      assert.equal(winner([m, f]), 'more');
    });
  }
});

describe('precedence: equal counts compare the ranked dimensions best first', () => {
  const cases: [string, VariableScope, VariableScope][] = [
    [
      'step + process over target + environment',
      { steps: ['deploy'], processes: ['deployment'] },
      { targets: ['ecs-1'], environments: ['Production'] },
    ],
    [
      'target + channel over target + process',
      { targets: ['ecs-1'], channels: ['Beta'] },
      { targets: ['ecs-1'], processes: ['deployment'] },
    ],
    [
      'step-role + environment over target-role + environment',
      { roles: ['web'], environments: ['Production'] },
      { roles: ['db'], environments: ['Production'] },
    ],
    [
      'tenant + process over tenant tag + environment',
      { tenants: ['tenant-acme'], processes: ['deployment'] },
      { tenantTags: ['Tier/Gold'], environments: ['Production'] },
    ],
  ];
  for (const [title, better, worse] of cases) {
    it(title, () => {
      const b = variable('z-better', 'X', 'better', better, { source: library('lib') });
      const w = variable('a-worse', 'X', 'worse', worse);
      assert.equal(winner([w, b]), 'better');
      assert.equal(winner([b, w]), 'better');
    });
  }
});

describe('precedence: source at equal specificity', () => {
  it('a project value beats a library value', () => {
    const scope = { environments: ['Production'] };
    const lib = variable('a', 'X', 'library', scope, { source: library('lib', 0) });
    const proj = variable('z', 'X', 'project', scope);
    assert.equal(winner([lib, proj]), 'project');
    assert.equal(winner([proj, lib]), 'project');
  });

  it('a more specific library value beats a project value', () => {
    const lib = variable('z', 'X', 'library', { environments: ['Production'] }, { source: library('lib') });
    assert.equal(winner([variable('a', 'X', 'project'), lib]), 'library');
  });

  it('among library sets, the one included first wins', () => {
    const first = variable('z', 'X', 'first', {}, { source: library('set-b', 0) });
    const second = variable('a', 'X', 'second', {}, { source: library('set-a', 1) });
    assert.equal(winner([second, first]), 'first');
    assert.equal(winner([first, second]), 'first');
  });

  it('a set with an include order beats one without', () => {
    const ordered = variable('z', 'X', 'ordered', {}, { source: library('set-z', 5) });
    const unordered = variable('a', 'X', 'unordered', {}, { source: library('set-a') });
    assert.equal(winner([unordered, ordered]), 'ordered');
  });

  it('sets without (or with equal) include orders: the smaller set id wins', () => {
    const a = variable('z', 'X', 'set-a', {}, { source: library('set-a') });
    const b = variable('a', 'X', 'set-b', {}, { source: library('set-b') });
    assert.equal(winner([b, a]), 'set-a');
    const a2 = variable('z', 'X', 'set-a', {}, { source: library('set-a', 2) });
    const b2 = variable('a', 'X', 'set-b', {}, { source: library('set-b', 2) });
    assert.equal(winner([b2, a2]), 'set-a');
  });
});

describe('precedence: the final tie-break', () => {
  it('same specificity and source: the smaller id wins, whatever the input order', () => {
    const a = variable('var-1', 'X', 'one', { environments: ['Production'] });
    const b = variable('var-2', 'X', 'two', { environments: ['Production', 'Staging'] });
    assert.equal(winner([a, b]), 'one');
    assert.equal(winner([b, a]), 'one');
  });

  it('ids compare by code unit, not numerically or by locale', () => {
    const ten = variable('v-10', 'X', 'ten');
    const nine = variable('v-9', 'X', 'nine');
    assert.equal(winner([nine, ten]), 'ten');
    const upper = variable('B', 'X', 'upper');
    const lower = variable('a', 'X', 'lower');
    assert.equal(winner([lower, upper]), 'upper');
  });

  it('a tenant with two matching tags: the tie goes to the smaller id', () => {
    const eu = variable('t-2', 'X', 'eu', { tenantTags: ['Region/EU'] });
    const gold = variable('t-1', 'X', 'gold', { tenantTags: ['Tier/Gold'] });
    assert.equal(winner([eu, gold]), 'gold');
  });

  it('duplicate ids (rejected by the schema) fall back to input order', () => {
    assert.equal(winner([variable('same', 'X', 'first'), variable('same', 'X', 'second')]), 'first');
  });
});
