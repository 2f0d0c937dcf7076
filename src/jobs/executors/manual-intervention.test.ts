import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtInExecutors } from './index.js';
import { manualInterventionExecutor } from './manual-intervention.js';
import { fakeContext } from '../../../test/kits/executors.js';

const action = {
  type: 'manual-intervention',
  instructions: 'Check the dashboard',
  responsibleTeams: ['teams-ops'],
};

describe('manual-intervention', () => {
  it('asks with the step name, instructions and teams; proceed succeeds', async () => {
    const { ctx, collected } = fakeContext({ action, answer: 'proceed', stepName: 'Approve' });
    assert.deepEqual(await manualInterventionExecutor.run(ctx), { outcome: 'success' });
    assert.deepEqual(collected.interrupts, [
      { title: 'Approve', instructions: 'Check the dashboard', responsibleTeamIds: ['teams-ops'] },
    ]);
    assert.match(collected.text(), /Check the dashboard/);
  });

  it('names the responsible teams by name in the log when the engine can', async () => {
    const { ctx, collected } = fakeContext({ action, answer: 'proceed' });
    const named = {
      ...ctx,
      teamNames: (ids: readonly string[]) => Promise.resolve(ids.map(() => 'Operations')),
    };
    await manualInterventionExecutor.run(named);
    assert.match(collected.text(), /Waiting for manual intervention by Operations: Check the dashboard/);
    assert.doesNotMatch(collected.text(), /teams-ops/);
    // The question still holds the ids (answers are checked against them).
    assert.deepEqual(collected.interrupts[0]?.responsibleTeamIds, ['teams-ops']);
  });

  it('abort fails the step', async () => {
    const { ctx } = fakeContext({ action, answer: 'abort' });
    const res = await manualInterventionExecutor.run(ctx);
    assert.ok(res.outcome === 'failed' && /aborted/.test(res.error), JSON.stringify(res));
  });

  it('the built-in executors cover each type once', () => {
    const types = builtInExecutors().map((e) => e.type);
    assert.deepEqual(types, [
      'ecs-update-service',
      'run-script',
      'manual-intervention',
      'cloudformation-deploy',
      'cloudformation-delete',
      'ecs-deploy-service',
      'ecs-run-task',
    ]);
    assert.deepEqual(
      builtInExecutors().map((e) => e.perTarget),
      [true, 'with-roles', false, true, true, true, true],
    );
  });
});
