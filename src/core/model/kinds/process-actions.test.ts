import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInput } from '../parse.js';
import { bad, itRejects, withValue } from '../../../../test/kits/model-schema.js';
import { processKind } from './process.js';

/** A process with one Update ECS Service step. */
const base = {
  steps: [{ name: 'Deploy', roles: ['web'], action: { type: 'ecs-update-service', service: 'web' } }],
};
const early = ['steps', 0, 'action', 'earlySuccess'] as const;

/** The step's parsed earlySuccess with `value` set. */
function earlySuccessOf(value: unknown): unknown {
  const p = parseInput(processKind.schema, withValue(base, early, value), 'process');
  const action = p.steps[0]?.action;
  assert.ok(action?.type === 'ecs-update-service');
  return action.earlySuccess;
}

describe('ecs-update-service earlySuccess', () => {
  it('is absent by default (the service keeps its own criteria)', () => {
    assert.equal(earlySuccessOf(undefined), undefined);
  });

  it('takes {healthyPercent, cleanup} (cleanup default BLOCKING) or false', () => {
    assert.deepEqual(earlySuccessOf({ healthyPercent: 50 }), { healthyPercent: 50, cleanup: 'BLOCKING' });
    assert.deepEqual(earlySuccessOf({ healthyPercent: 0, cleanup: 'DEFERRED' }), {
      healthyPercent: 0,
      cleanup: 'DEFERRED',
    });
    assert.equal(earlySuccessOf(false), false);
  });

  itRejects(it, processKind, [
    bad(
      'process',
      base,
      'earlySuccess true',
      early,
      true,
      'earlySuccess must be false or {healthyPercent, cleanup}',
    ),
    bad('process', base, 'earlySuccess as a template', early, '#{Early}', 'earlySuccess must be false or'),
    bad('process', base, 'earlySuccess without healthyPercent', early, {}, 'healthyPercent is required'),
    bad(
      'process',
      base,
      'a healthyPercent string',
      early,
      { healthyPercent: '50' },
      'healthyPercent must be a number',
    ),
    bad(
      'process',
      base,
      'a healthyPercent over 100',
      early,
      { healthyPercent: 101 },
      'healthyPercent must be at most 100',
      [...early, 'healthyPercent'],
    ),
    bad(
      'process',
      base,
      'a negative healthyPercent',
      early,
      { healthyPercent: -1 },
      'healthyPercent must be at least 0',
      [...early, 'healthyPercent'],
    ),
    bad(
      'process',
      base,
      'a fractional healthyPercent',
      early,
      { healthyPercent: 50.5 },
      'healthyPercent must be a whole number',
    ),
    bad(
      'process',
      base,
      'an unknown cleanup',
      early,
      { healthyPercent: 50, cleanup: 'LATER' },
      'cleanup must be one of "BLOCKING", "DEFERRED"',
    ),
    bad(
      'process',
      base,
      'an unknown field in earlySuccess',
      early,
      { healthyPercent: 50, enable: true },
      'unknown field "enable" in earlySuccess',
    ),
  ]);
});
