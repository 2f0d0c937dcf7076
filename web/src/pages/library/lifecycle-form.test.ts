import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describePhase,
  emptyLifecycleForm,
  environmentMode,
  formToLifecycle,
  lifecycleToForm,
  newPhase,
  phaseHolding,
  setEnvironmentMode,
} from './lifecycle-form.js';
import type { LifecycleJson } from './types.js';

const lifecycle: LifecycleJson = {
  id: 'Lifecycles-1',
  spaceId: 'Spaces-1',
  name: 'Dev to Prod',
  version: 2,
  createdAt: '',
  updatedAt: '',
  description: '',
  retention: { keep: 'count', count: 5 },
  phases: [
    {
      name: 'Development',
      automaticEnvironments: ['E1'],
      manualEnvironments: [],
      minimumEnvironmentsBeforePromotion: 0,
      optional: false,
    },
    {
      name: 'Production',
      automaticEnvironments: [],
      manualEnvironments: ['E3'],
      minimumEnvironmentsBeforePromotion: 1,
      optional: true,
      retention: { keep: 'days', days: 30 },
    },
  ],
};

describe('lifecycle form', () => {
  it('round-trips a lifecycle through the form', () => {
    const doc = formToLifecycle(lifecycleToForm(lifecycle));
    assert.deepEqual(doc, {
      name: lifecycle.name,
      description: lifecycle.description,
      retention: lifecycle.retention,
      phases: lifecycle.phases,
    });
  });

  it('adds a phase with an environment, and leaves a phase without retention inheriting', () => {
    const form = lifecycleToForm(lifecycle);
    form.phases.push(setEnvironmentMode(newPhase('Testing'), 'E2', 'manual'));
    const doc = formToLifecycle(form);
    assert.deepEqual(doc.phases[2], {
      name: 'Testing',
      automaticEnvironments: [],
      manualEnvironments: ['E2'],
      minimumEnvironmentsBeforePromotion: 0,
      optional: false,
    });
  });

  it('sends text that is not a number as typed, so the API names the field', () => {
    const form = emptyLifecycleForm();
    form.phases.push({ ...newPhase('A'), minimum: 'two' });
    assert.equal(formToLifecycle(form).phases[0]?.minimumEnvironmentsBeforePromotion, 'two');
    form.phases[0] = { ...newPhase('A'), minimum: ' 3 ' };
    assert.equal(formToLifecycle(form).phases[0]?.minimumEnvironmentsBeforePromotion, 3);
  });

  it('moves an environment between automatic, manual and none', () => {
    let phase = newPhase('P');
    phase = setEnvironmentMode(phase, 'E1', 'automatic');
    assert.equal(environmentMode(phase, 'E1'), 'automatic');
    phase = setEnvironmentMode(phase, 'E1', 'manual');
    assert.deepEqual([phase.automaticEnvironments, phase.manualEnvironments], [[], ['E1']]);
    phase = setEnvironmentMode(phase, 'E1', 'none');
    assert.equal(environmentMode(phase, 'E1'), 'none');
  });

  it('finds the phase that already holds an environment, and describes phases', () => {
    const form = lifecycleToForm(lifecycle);
    assert.equal(phaseHolding(form.phases, 'E3', 0), 'Production');
    assert.equal(phaseHolding(form.phases, 'E3', 1), undefined);
    const names = new Map([
      ['E1', 'Dev'],
      ['E3', 'Prod'],
    ]);
    assert.equal(describePhase(lifecycle.phases[0]!, names), 'automatic: Dev');
    assert.equal(describePhase(lifecycle.phases[1]!, names), 'manual: Prod; optional');
  });
});
