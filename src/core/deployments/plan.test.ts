import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../errors.js';
import { planDeployment, tagsMatch } from './index.js';
import { ACME, facts, step, target } from '../../../test/kits/deployment-plan.js';
import type { DeploymentFacts, ProcessStep, TargetInfo } from './types.js';

/** The plan of a one-step process in `extra`'s deployment. */
function planOne(s: ProcessStep, extra: Partial<DeploymentFacts> = {}) {
  const plan = planDeployment(facts({ process: { steps: [s] }, ...extra }));
  assert.equal(plan.length, 1);
  return plan[0]!;
}

describe('planDeployment: exclusions', () => {
  const beta = { id: 'Releases-3', version: '1.4.2', notes: '', channel: { id: 'Channels-2', name: 'Beta' } };
  const cases: {
    name: string;
    step: ProcessStep;
    facts?: Partial<DeploymentFacts>;
    excluded: RegExp | undefined;
  }[] = [
    { name: 'a plain step runs', step: step('A'), excluded: undefined },
    { name: 'disabled', step: step('A', { disabled: true }), excluded: /disabled/ },
    { name: 'skipped', step: step('A'), facts: { skippedSteps: ['A'] }, excluded: /skipped/ },
    { name: 'skipped, other case', step: step('A'), facts: { skippedSteps: ['a'] }, excluded: /skipped/ },
    {
      name: 'environments lists another environment',
      step: step('A', { environments: ['Environments-2'] }),
      excluded: /only in environments "Environments-2", not in "Production"/,
    },
    {
      name: 'environments lists this one',
      step: step('A', { environments: ['Environments-1'] }),
      excluded: undefined,
    },
    { name: 'environments by name', step: step('A', { environments: ['production'] }), excluded: undefined },
    {
      name: 'excluded environment',
      step: step('A', { excludedEnvironments: ['Environments-1'] }),
      excluded: /excluded from environment "Production"/,
    },
    {
      name: 'another excluded environment',
      step: step('A', { excludedEnvironments: ['Environments-2'] }),
      excluded: undefined,
    },
    {
      name: 'channels lists another channel',
      step: step('A', { channels: ['Channels-2'] }),
      excluded: /only for channels "Channels-2", not for "Default"/,
    },
    {
      name: 'channels lists the release channel',
      step: step('A', { channels: ['Channels-2'] }),
      facts: { release: beta },
      excluded: undefined,
    },
    {
      name: 'tenant tags, untenanted deployment',
      step: step('A', { tenantTags: ['Region/EU'] }),
      excluded: /untenanted/,
    },
    {
      name: 'tenant tags, tenant has one (OR within a set)',
      step: step('A', { tenantTags: ['Region/US', 'Region/EU'] }),
      facts: { tenant: ACME },
      excluded: undefined,
    },
    {
      name: 'tenant tags, AND across sets, tenant has both',
      step: step('A', { tenantTags: ['Region/EU', 'Tier/Gold'] }),
      facts: { tenant: ACME },
      excluded: undefined,
    },
    {
      name: 'tenant tags, AND across sets, tenant lacks one set',
      step: step('A', { tenantTags: ['Region/EU', 'Tier/Silver'] }),
      facts: { tenant: ACME },
      excluded: /tenant "Acme" does not match/,
    },
    {
      name: 'tenant tags do not matter when the step has none',
      step: step('A'),
      facts: { tenant: ACME },
      excluded: undefined,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const planned = planOne(c.step, c.facts);
      if (c.excluded === undefined) assert.equal(planned.excluded, undefined);
      else assert.match(planned.excluded ?? '(runs)', c.excluded);
    });
  }

  it('an excluded step has no targets', () => {
    const planned = planOne(step('A', { roles: ['web'], disabled: true }), {
      targets: [target('t1', ['web'])],
    });
    assert.deepEqual(planned.targetIds, []);
  });
});

describe('planDeployment: skipping', () => {
  const steps = [step('Migrate', { required: true }), step('Deploy'), step('Smoke test', { required: true })];

  it('rejects skipping a required step, naming it', () => {
    assert.throws(
      () => planDeployment(facts({ process: { steps }, skippedSteps: ['Deploy', 'migrate'] })),
      (e: unknown) =>
        e instanceof SlipwayError &&
        e.code === 'INVALID_INPUT' &&
        /required step "Migrate"/.test(e.message) &&
        !/"Deploy"/.test(e.message),
    );
  });

  it('rejects skipping a name that is not a step, listing the steps', () => {
    assert.throws(
      () => planDeployment(facts({ process: { steps }, skippedSteps: ['Deploy', 'Nope'] })),
      (e: unknown) =>
        e instanceof SlipwayError &&
        e.code === 'INVALID_INPUT' &&
        /"Nope", which is not a step/.test(e.message) &&
        /"Smoke test"/.test(e.message),
    );
  });

  it('reports both problems at once', () => {
    assert.throws(
      () => planDeployment(facts({ process: { steps }, skippedSteps: ['Nope', 'Smoke test'] })),
      (e: unknown) =>
        e instanceof SlipwayError && /"Nope"/.test(e.message) && /required step "Smoke test"/.test(e.message),
    );
  });
});

describe('planDeployment: groups and order', () => {
  it('a with-previous step joins the previous group; excluded steps keep their place', () => {
    const steps = [
      step('A'),
      step('B', { startTrigger: 'with-previous' }),
      step('C', { startTrigger: 'with-previous', disabled: true }),
      step('D'),
      step('E'),
      step('F', {
        startTrigger: 'with-previous',
        condition: 'variable',
        conditionExpression: '#{if X}true#{/if}',
      }),
    ];
    const plan = planDeployment(facts({ process: { steps } }));
    assert.deepEqual(
      plan.map((p) => [p.index, p.name, p.group]),
      [
        [0, 'A', 0],
        [1, 'B', 0],
        [2, 'C', 0],
        [3, 'D', 1],
        [4, 'E', 2],
        [5, 'F', 2],
      ],
    );
    assert.equal(plan[5]!.condition, 'variable');
    assert.equal(plan[5]!.conditionExpression, '#{if X}true#{/if}');
    assert.equal(plan[0]!.conditionExpression, undefined);
  });

  it('an empty process plans nothing', () => {
    assert.deepEqual(planDeployment(facts()), []);
  });
});

describe('planDeployment: targets', () => {
  const untenanted = target('untenanted', ['web']);
  const both = target('both', ['web'], { tenantedParticipation: 'both', tenants: ['Tenants-1'] });
  const bothByTag = target('both-by-tag', ['web'], {
    tenantedParticipation: 'both',
    tenantTags: ['Region/EU'],
  });
  const tenantedNamed = target('tenanted-named', ['web'], {
    tenantedParticipation: 'tenanted',
    tenants: ['Tenants-1'],
  });
  const tenantedOther = target('tenanted-other', ['web'], {
    tenantedParticipation: 'tenanted',
    tenants: ['Tenants-2'],
  });
  const tenantedTags = target('tenanted-tags', ['WEB'], {
    tenantedParticipation: 'tenanted',
    tenantTags: ['Region/EU', 'Tier/Gold'],
  });
  const tenantedWrongTier = target('tenanted-wrong-tier', ['web'], {
    tenantedParticipation: 'tenanted',
    tenantTags: ['Region/EU', 'Tier/Silver'],
  });
  const otherRole = target('worker', ['worker']);
  const otherEnv = target('staging', ['web'], { environments: ['Environments-2'] });
  const all: TargetInfo[] = [
    untenanted,
    both,
    bothByTag,
    tenantedNamed,
    tenantedOther,
    tenantedTags,
    tenantedWrongTier,
    otherRole,
    otherEnv,
  ];

  const cases: { name: string; tenant?: typeof ACME; roles: string[]; expected: string[] }[] = [
    {
      name: 'untenanted: "untenanted" and "both" targets with the role',
      roles: ['web'],
      expected: ['untenanted', 'both', 'both-by-tag'],
    },
    {
      name: 'tenanted: named or tag-matching "tenanted"/"both" targets',
      tenant: ACME,
      roles: ['web'],
      expected: ['both', 'both-by-tag', 'tenanted-named', 'tenanted-tags'],
    },
    {
      name: 'a tenant without matching tags gets only targets naming it',
      tenant: { id: 'Tenants-1', name: 'Acme', tags: ['Region/US'] },
      roles: ['web'],
      expected: ['both', 'tenanted-named'],
    },
    {
      name: 'any of the roles',
      roles: ['worker', 'web'],
      expected: ['untenanted', 'both', 'both-by-tag', 'worker'],
    },
    { name: 'a role no target has', roles: ['db'], expected: [] },
    { name: 'a step without roles has no targets', roles: [], expected: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const planned = planOne(step('Deploy', { roles: c.roles }), {
        targets: all,
        ...(c.tenant === undefined ? {} : { tenant: c.tenant }),
      });
      assert.equal(planned.excluded, undefined);
      assert.deepEqual(planned.targetIds, c.expected);
    });
  }
});

describe('tagsMatch', () => {
  const cases: [string[], string[], boolean][] = [
    [['Region/EU'], ['Region/EU'], true],
    [['region/eu'], ['Region/EU'], true],
    [['Region/EU'], ['Region/US', 'Region/EU'], true],
    [['Region/EU'], ['Region/EU', 'Tier/Gold'], false],
    [['Region/EU', 'Tier/Gold'], ['Region/EU', 'Tier/Gold'], true],
    [['Region/EU', 'Tier/Gold'], ['Region/US', 'Tier/Gold'], false],
    [['Region/EU'], [], false],
    [[], ['Region/EU'], false],
  ];
  for (const [tenant, expression, expected] of cases) {
    it(`${JSON.stringify(tenant)} ~ ${JSON.stringify(expression)} → ${expected}`, () => {
      assert.equal(tagsMatch(tenant, expression), expected);
    });
  }
});
