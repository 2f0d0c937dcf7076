import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prng } from '../../../test/helpers/prng.js';
import {
  effectivePhases,
  lifecycleDecision,
  type EffectivePhase,
  type EnvironmentRef,
  type PhaseDoc,
} from './index.js';

// Listed out of order on purpose: phases follow sortOrder.
const ENVS: EnvironmentRef[] = [
  { id: 'prod', name: 'Production', sortOrder: 40 },
  { id: 'dev', name: 'Development', sortOrder: 10 },
  { id: 'test-a', name: 'Test A', sortOrder: 20 },
  { id: 'test-b', name: 'Test B', sortOrder: 21 },
  { id: 'hotfix', name: 'Hotfix', sortOrder: 30 },
];

function phase(name: string, fields: Partial<PhaseDoc> = {}): PhaseDoc {
  return {
    name,
    automaticEnvironments: [],
    manualEnvironments: [],
    minimumEnvironmentsBeforePromotion: 0,
    optional: false,
    ...fields,
  };
}

/** The phases without the id → name map, for comparing. */
function shape(phases: EffectivePhase[]): Omit<EffectivePhase, 'environmentNames'>[] {
  return phases.map(({ environmentNames: _names, ...rest }) => rest);
}

describe('effectivePhases', () => {
  it('no phases: one manual phase per environment, in sort order', () => {
    assert.deepEqual(shape(effectivePhases([], ENVS)), [
      { name: 'Development', automatic: [], manual: ['dev'], required: 1, optional: false },
      { name: 'Test A', automatic: [], manual: ['test-a'], required: 1, optional: false },
      { name: 'Test B', automatic: [], manual: ['test-b'], required: 1, optional: false },
      { name: 'Hotfix', automatic: [], manual: ['hotfix'], required: 1, optional: false },
      { name: 'Production', automatic: [], manual: ['prod'], required: 1, optional: false },
    ]);
  });

  it('equal sort orders fall back to names', () => {
    const envs = [
      { id: 'b', name: 'B', sortOrder: 1 },
      { id: 'a', name: 'A', sortOrder: 1 },
    ];
    assert.deepEqual(
      effectivePhases([], envs).map((p) => p.name),
      ['A', 'B'],
    );
  });

  it('required: the minimum, or all when 0', () => {
    const phases = effectivePhases(
      [
        phase('Dev', { automaticEnvironments: ['dev'] }),
        phase('Test', { manualEnvironments: ['test-a', 'test-b'], minimumEnvironmentsBeforePromotion: 1 }),
        phase('Prod', { manualEnvironments: ['prod', 'hotfix'] }),
      ],
      ENVS,
    );
    assert.deepEqual(
      phases.map((p) => [p.name, p.required]),
      [
        ['Dev', 1],
        ['Test', 1],
        ['Prod', 2],
      ],
    );
  });

  it('a phase without environments covers those no other phase names (earlier or later)', () => {
    const phases = effectivePhases(
      [
        phase('Dev', { automaticEnvironments: ['dev'] }),
        phase('Anything'),
        phase('Prod', { manualEnvironments: ['prod'] }),
        phase('Empty too'),
      ],
      ENVS,
    );
    assert.deepEqual(shape(phases), [
      { name: 'Dev', automatic: ['dev'], manual: [], required: 1, optional: false },
      {
        name: 'Anything',
        automatic: [],
        manual: ['test-a', 'test-b', 'hotfix'],
        required: 3,
        optional: false,
      },
      { name: 'Prod', automatic: [], manual: ['prod'], required: 1, optional: false },
      { name: 'Empty too', automatic: [], manual: [], required: 0, optional: false },
    ]);
  });

  it('a minimum above the count is capped', () => {
    const [only] = effectivePhases(
      [phase('Rest', { minimumEnvironmentsBeforePromotion: 9 })],
      ENVS.slice(0, 2),
    );
    assert.equal(only?.required, 2);
  });

  it('knows environment names for messages', () => {
    assert.equal(effectivePhases([], ENVS)[0]?.environmentNames?.['prod'], 'Production');
  });
});

const LIFECYCLE = effectivePhases(
  [
    phase('Dev', { automaticEnvironments: ['dev'] }),
    phase('Test', {
      automaticEnvironments: ['test-a'],
      manualEnvironments: ['test-b'],
      minimumEnvironmentsBeforePromotion: 1,
    }),
    phase('Hotfix', { manualEnvironments: ['hotfix'], optional: true }),
    phase('Prod', { manualEnvironments: ['prod'] }),
  ],
  ENVS,
);

function decide(succeeded: string[], attempted: string[] = succeeded, phases = LIFECYCLE) {
  return lifecycleDecision(phases, {
    succeededEnvironmentIds: new Set(succeeded),
    attemptedEnvironmentIds: new Set(attempted),
  });
}

describe('lifecycleDecision', () => {
  // [what, succeeded, attempted, allowed, automatic]
  const cases: [string, string[], string[], string[], string[]][] = [
    ['new release: the first phase only', [], [], ['dev'], ['dev']],
    [
      'dev done: Test opens, its automatic environment deploys',
      ['dev'],
      ['dev'],
      ['dev', 'test-a', 'test-b'],
      ['test-a'],
    ],
    ['dev failed: redeploy allowed, Test still closed', [], ['dev'], ['dev'], []],
    [
      'one of two in Test meets its minimum of 1; optional Hotfix does not block Prod',
      ['dev', 'test-b'],
      ['dev', 'test-b'],
      ['dev', 'test-a', 'test-b', 'hotfix', 'prod'],
      ['test-a'],
    ],
    [
      'attempted automatic environments are not deployed again',
      ['dev', 'test-a'],
      ['dev', 'test-a', 'test-b'],
      ['dev', 'test-a', 'test-b', 'hotfix', 'prod'],
      [],
    ],
    [
      'an environment already attempted in a closed phase stays allowed (redeploy)',
      [],
      ['prod'],
      ['dev', 'prod'],
      ['dev'],
    ],
  ];
  for (const [what, succeeded, attempted, allowed, automatic] of cases) {
    it(what, () => {
      const decision = decide(succeeded, attempted);
      assert.deepEqual(decision.allowed, allowed);
      assert.deepEqual(decision.automatic, automatic);
      const everything = ['dev', 'test-a', 'test-b', 'hotfix', 'prod'];
      assert.deepEqual(
        Object.keys(decision.refused).sort(),
        everything.filter((e) => !allowed.includes(e)).sort(),
      );
    });
  }

  it('names the blocking phase and what is missing', () => {
    const decision = decide(['dev']);
    assert.equal(
      decision.refused['prod'],
      'Phase "Test" is not complete: 0 of the 1 environment it needs succeeded; deploy to 1 more of Test A or Test B first.',
    );
    assert.equal(decision.refused['hotfix'], decision.refused['prod']);
    assert.match(
      decide([]).refused['test-a'] ?? '',
      /^Phase "Dev" is not complete: .*deploy to Development first\.$/,
    );
  });

  it('a phase needing all of its environments lists those still to succeed', () => {
    const phases = effectivePhases(
      [
        phase('QA', { manualEnvironments: ['test-a', 'test-b', 'hotfix'] }),
        phase('Prod', { manualEnvironments: ['prod'] }),
      ],
      ENVS,
    );
    assert.equal(
      decide(['test-b'], ['test-b'], phases).refused['prod'],
      'Phase "QA" is not complete: 1 of the 3 environments it needs succeeded; deploy to Test A and Hotfix first.',
    );
  });

  it('an optional phase never blocks, even as the first', () => {
    const phases = effectivePhases(
      [
        phase('Sandbox', { manualEnvironments: ['dev'], optional: true }),
        phase('Prod', { automaticEnvironments: ['prod'] }),
      ],
      ENVS,
    );
    assert.deepEqual(decide([], [], phases), { allowed: ['dev', 'prod'], refused: {}, automatic: ['prod'] });
  });

  it('a required phase after an incomplete one still blocks; the first blocker is named', () => {
    const decision = decide(['test-a']); // Test done out of order (e.g. an older rule), Dev not
    assert.deepEqual(decision.allowed, ['dev', 'test-a']);
    assert.match(decision.refused['prod'] ?? '', /^Phase "Dev"/);
  });

  it('no phases at all: nothing allowed', () => {
    assert.deepEqual(decide([], [], []), { allowed: [], refused: {}, automatic: [] });
  });

  it('property: more successes never allow less; allowed and refused split the environments', () => {
    const rand = prng(42);
    const all = ['dev', 'test-a', 'test-b', 'hotfix', 'prod'];
    for (let run = 0; run < 200; run++) {
      const succeeded = all.filter(() => rand() < 0.4);
      const extra = all.find((e) => !succeeded.includes(e));
      const before = decide(succeeded);
      assert.equal(before.allowed.length + Object.keys(before.refused).length, all.length);
      if (extra === undefined) continue;
      const after = decide([...succeeded, extra]);
      for (const env of before.allowed)
        assert.ok(after.allowed.includes(env), `${env} lost after ${extra} succeeded`);
    }
  });
});
