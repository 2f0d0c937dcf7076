import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../errors.js';
import { conditionAllows } from './index.js';
import type { PlannedStep, StepVariables } from './types.js';

function planned(condition: PlannedStep['condition'], conditionExpression?: string): PlannedStep {
  const p: PlannedStep = { index: 0, name: 'Step', group: 0, targetIds: [], condition, required: false };
  if (conditionExpression !== undefined) p.conditionExpression = conditionExpression;
  return p;
}

const VARS: StepVariables = {
  values: { Yes: 'true', No: 'False', Zero: '0', Empty: '', Word: 'canary', Env: 'Production' },
  sensitive: [],
};

describe('conditionAllows', () => {
  const fixed: [PlannedStep['condition'], boolean, boolean][] = [
    ['success', false, true],
    ['success', true, false],
    ['failure', false, false],
    ['failure', true, true],
    ['always', false, true],
    ['always', true, true],
  ];
  for (const [condition, failed, expected] of fixed) {
    it(`${condition}, deployment ${failed ? 'failed' : 'fine'} → ${expected}`, () => {
      assert.equal(conditionAllows(planned(condition), failed, VARS), expected);
    });
  }

  const expressions: [string, boolean][] = [
    ['#{if Yes}true#{/if}', true],
    ['#{if No}true#{/if}', false],
    ['#{Yes}', true],
    ['#{No}', false],
    ['#{Zero}', false],
    ['#{Empty}', false],
    ['#{Word}', true],
    ['#{Missing}', false],
    ['#{if Env == "Production"}true#{/if}', true],
    ['#{if Env == "Staging"}true#{/if}', false],
    ['#{unless Yes}true#{/unless}', false],
    ['Yes', true],
    ['No', false],
    ['Missing', false],
  ];
  for (const [expression, expected] of expressions) {
    it(`variable ${expression} → ${expected}`, () => {
      assert.equal(conditionAllows(planned('variable', expression), false, VARS), expected);
    });
  }

  it('variable: Octopus.Deployment.Error is set when the deployment failed', () => {
    const step = planned('variable', '#{if Octopus.Deployment.Error}true#{/if}');
    assert.equal(conditionAllows(step, false, VARS), false);
    assert.equal(conditionAllows(step, true, VARS), true);
    const own: StepVariables = { values: { 'octopus.deployment.error': '' }, sensitive: [] };
    assert.equal(conditionAllows(step, true, own), false, 'a value the caller set is kept');
  });

  it('variable without an expression, or one that does not parse, is INVALID_INPUT', () => {
    const isInvalid = (e: unknown) => e instanceof SlipwayError && e.code === 'INVALID_INPUT';
    assert.throws(() => conditionAllows(planned('variable'), false, VARS), isInvalid);
    assert.throws(() => conditionAllows(planned('variable', '#{if Yes}true'), false, VARS), isInvalid);
  });
});
