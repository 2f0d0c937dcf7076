import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInput } from '../parse.js';
import { EXAMPLES } from '../../../../test/kits/model-examples.js';
import { lifecycleKind } from './lifecycle.js';
import { bad, itRejects } from '../../../../test/kits/model-schema.js';

const base = EXAMPLES.lifecycle;
type Path = (string | number)[];
const c = (what: string, path: Path, value: unknown, message: string, field?: Path) =>
  bad('lifecycle', base, what, path, value, message, field);
const phases = (list: unknown[]) => ({ name: 'L', phases: list });

describe('lifecycle: invalid documents', () => {
  itRejects(it, lifecycleKind, [
    c('a missing name', ['name'], undefined, 'name must be a string'),
    c('phases that are not a list', ['phases'], {}, 'phases must be a list'),
    c(
      'an unknown phase field',
      ['phases', 0, 'environments'],
      ['Dev'],
      'unknown field "environments" in a phase',
      ['phases', 0],
    ),
    c('a blank phase name', ['phases', 0, 'name'], ' Dev ', 'name must not start or end with whitespace'),
    c('automatic environments not a list', ['phases', 0, 'automaticEnvironments'], 'Dev', 'must be a list'),
    c('an empty manual environment', ['phases', 1, 'manualEnvironments', 0], '', 'must not be empty'),
    c('a negative minimum', ['phases', 0, 'minimumEnvironmentsBeforePromotion'], -1, 'must be at least 0'),
    c(
      'a fractional minimum',
      ['phases', 0, 'minimumEnvironmentsBeforePromotion'],
      0.5,
      'must be a whole number',
    ),
    c('a non-boolean optional', ['phases', 0, 'optional'], 'yes', 'optional must be true or false'),
    c('an unknown retention', ['retention'], { keep: 'some' }, 'keep must be "all", "count"', [
      'retention',
      'keep',
    ]),
    c('retention count 0', ['retention'], { keep: 'count', count: 0 }, 'count must be at least 1', [
      'retention',
      'count',
    ]),
    c(
      'retention count above 10000',
      ['retention'],
      { keep: 'count', count: 10_001 },
      'count must be at most 10000',
      ['retention', 'count'],
    ),
    c('retention days above 3650', ['retention'], { keep: 'days', days: 3651 }, 'days must be at most 3650', [
      'retention',
      'days',
    ]),
    c('retention days missing', ['retention'], { keep: 'days' }, 'days must be a number', [
      'retention',
      'days',
    ]),
    c('a count on keep all', ['retention'], { keep: 'all', count: 3 }, 'unknown field "count"', [
      'retention',
    ]),
    c(
      'a phase retention of 0 days',
      ['phases', 0, 'retention'],
      { keep: 'days', days: 0 },
      'days must be at least 1',
      ['phases', 0, 'retention', 'days'],
    ),
  ]);
});

describe('lifecycle: rules across phases', () => {
  itRejects(it, lifecycleKind, [
    {
      what: 'two phases with the same name ignoring case',
      doc: phases([{ name: 'Test' }, { name: 'TEST' }]),
      field: 'lifecycle.phases[1].name',
      message: 'phase name "TEST" appears twice',
    },
    {
      what: 'an environment in two phases (auto, then manual, other case)',
      doc: phases([
        { name: 'A', automaticEnvironments: ['Dev'] },
        { name: 'B', manualEnvironments: ['Prod', 'dev'] },
      ]),
      field: 'lifecycle.phases[1].manualEnvironments[1]',
      message: 'environment "dev" is already in phase "A"',
    },
    {
      what: 'an environment both automatic and manual in one phase',
      doc: phases([{ name: 'A', automaticEnvironments: ['Dev'], manualEnvironments: ['Dev'] }]),
      field: 'lifecycle.phases[0].manualEnvironments[0]',
      message: 'is already in phase "A"',
    },
    {
      what: 'a minimum above the number of environments of the phase',
      doc: phases([
        {
          name: 'A',
          automaticEnvironments: ['Dev'],
          manualEnvironments: ['Test'],
          minimumEnvironmentsBeforePromotion: 3,
        },
      ]),
      field: 'lifecycle.phases[0].minimumEnvironmentsBeforePromotion',
      message: 'the phase has only 2 environments',
    },
  ]);
});

describe('lifecycle: accepts', () => {
  it('no phases (one per environment) and a catch-all phase with a minimum', () => {
    parseInput(lifecycleKind.schema, phases([]), 'lifecycle');
    const doc = parseInput(
      lifecycleKind.schema,
      phases([
        {
          name: 'Rest',
          minimumEnvironmentsBeforePromotion: 2,
          optional: true,
          retention: { keep: 'count', count: 3 },
        },
      ]),
      'lifecycle',
    );
    assert.deepEqual(doc.phases[0]?.retention, { keep: 'count', count: 3 });
  });
});
