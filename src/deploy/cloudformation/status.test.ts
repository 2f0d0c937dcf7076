import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFinal, planDeploy, succeeded } from './status.js';
import { newToken } from './operation.js';

describe('stack statuses', () => {
  it('plans from the status: create, update, or delete first', () => {
    const table: [string | undefined, ReturnType<typeof planDeploy>][] = [
      [undefined, 'create'],
      ['DELETE_COMPLETE', 'create'],
      ['CREATE_COMPLETE', 'update'],
      ['UPDATE_COMPLETE', 'update'],
      ['UPDATE_ROLLBACK_COMPLETE', 'update'],
      ['UPDATE_FAILED', 'update'],
      ['CREATE_FAILED', 'delete-then-create'],
      ['ROLLBACK_COMPLETE', 'delete-then-create'],
      ['ROLLBACK_FAILED', 'delete-then-create'],
      ['DELETE_FAILED', 'delete-then-create'],
      ['UPDATE_ROLLBACK_FAILED', 'delete-then-create'],
      ['REVIEW_IN_PROGRESS', 'delete-review-then-create'],
    ];
    for (const [status, plan] of table) assert.equal(planDeploy(status), plan, String(status));
  });

  it('judges by the final status alone', () => {
    assert.ok(succeeded('create', 'CREATE_COMPLETE'));
    assert.ok(succeeded('update', 'UPDATE_COMPLETE'));
    assert.ok(succeeded('delete', 'DELETE_COMPLETE'));
    for (const s of ['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED', 'DELETE_COMPLETE'])
      assert.ok(!succeeded('create', s), s);
    for (const s of ['UPDATE_ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_FAILED', 'UPDATE_FAILED'])
      assert.ok(!succeeded('update', s), s);
    assert.ok(!succeeded('delete', 'DELETE_FAILED'));
  });

  it('knows final statuses; cleanup and review are not final', () => {
    for (const s of ['CREATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'DELETE_FAILED'])
      assert.ok(isFinal(s), s);
    for (const s of [
      'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      'REVIEW_IN_PROGRESS',
      'CREATE_IN_PROGRESS',
    ])
      assert.ok(!isFinal(s), s);
  });

  it('makes tokens within AWS’s rule', () => {
    for (const prefix of ['slipway-deployments-12', 'weird prefix/with:chars', '-lead', '']) {
      const t = newToken(prefix);
      assert.match(t, /^[a-zA-Z0-9][-a-zA-Z0-9]{0,127}$/, t);
    }
    assert.notEqual(newToken(), newToken());
  });
});
