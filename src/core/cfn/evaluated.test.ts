/** checkEvaluatedDeployService: the model's rules again after `#{...}` evaluation (spec B1). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXAMPLE_DEPLOY_SERVICE_PROCESS } from '../../../test/kits/model-deploy-service.js';
import { isSlipwayError } from '../errors.js';
import { checkEvaluatedDeployService } from './evaluated.js';

type Json = Record<string, unknown>;
const example = (): Json =>
  structuredClone(((EXAMPLE_DEPLOY_SERVICE_PROCESS.steps as Json[])[0] as Json).action as Json);

/** The example step as evaluateAction would give it: templates replaced by their values (strings). */
function evaluated(changes: (a: Json) => void = () => {}): Json {
  const a = example();
  a.service = 'web-Production';
  a.memory = '2048';
  a.subnets = ['subnet-0123abcd', 'subnet-89abcdef'];
  const web = (a.containers as Json[])[0] as Json;
  web.environment = [{ name: 'COLOUR', value: 'blue' }];
  web.startTimeout = ' 60 ';
  changes(a);
  return a;
}

function rejects(a: Json, ...parts: RegExp[]): void {
  assert.throws(
    () => checkEvaluatedDeployService(a, 'Deploy service'),
    (e) => {
      assert.ok(isSlipwayError(e) && e.code === 'INVALID_INPUT');
      assert.match(e.message, /^Step "Deploy service" cannot be deployed/);
      for (const p of parts) assert.match(e.message, p);
      return true;
    },
  );
}

describe('checkEvaluatedDeployService', () => {
  it('turns evaluated numbers into numbers and keeps the rest', () => {
    const a = checkEvaluatedDeployService(evaluated(), 'Deploy service');
    assert.equal(a.memory, 2048);
    assert.equal(a.containers[0]?.startTimeout, 60);
    assert.equal(a.service, 'web-Production');
    assert.deepEqual(a.containers[0]?.environment, [{ name: 'COLOUR', value: 'blue' }]);
  });

  it('names a number that evaluated to text or to nothing', () => {
    rejects(
      evaluated((a) => {
        a.memory = 'lots';
        a.desiredCount = '';
      }),
      /action\.memory is "lots" after evaluation, not a whole number/,
      /action\.desiredCount is empty after evaluation/,
    );
  });

  it("applies the model's rules to the values: ranges, patterns, empty required fields", () => {
    rejects(
      evaluated((a) => {
        a.memory = '64';
        a.service = '';
        (a.subnets as string[])[1] = 'vpc-1';
      }),
      /memory must be at least 128/,
      /service must not be empty/,
      /each subnet must be a subnet id/,
    );
  });

  it('refuses identifiers that still hold a template', () => {
    rejects(
      evaluated((a) => {
        a.taskFamily = '#{Family}';
      }),
      /action\.taskFamily still holds a #\{\.\.\.\} template/,
    );
  });

  it('checks the cross-field rules with the evaluated numbers', () => {
    rejects(
      evaluated((a) => {
        a.memory = '256';
      }),
      /the containers' memory adds up to 512 MiB, more than the task's 256/,
    );
  });
});
