import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEPLOYMENT_STATES, isFinalState } from '../../../src/core/model/release.js';
import { isFinal, stateLook } from './states.js';

describe('stateLook', () => {
  it('has a word for every state the server knows, and agrees with it on which are final', () => {
    for (const state of DEPLOYMENT_STATES) {
      assert.notEqual(stateLook(state).label, state, `no label for ${state}`);
      assert.equal(isFinal(state), isFinalState(state), state);
    }
  });
  it('shows an unknown state as itself', () => {
    assert.deepEqual(stateLook('mystery'), { label: 'mystery', tone: 'neutral' });
  });
});
