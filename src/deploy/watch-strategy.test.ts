import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceDeploymentSnapshot } from '../core/rollout/service-deployment.js';
import { strategyItem, strategyRows, strategyState } from './watch-strategy.js';

const TD = 'arn:aws:ecs:us-east-1:000000000000:task-definition';
const REV = 'arn:aws:ecs:us-east-1:000000000000:service-revision/c/web';

/** A BLUE_GREEN deployment at `stage`, web:8 replacing web:7. */
function snapshot(stage: string, status = 'IN_PROGRESS'): ServiceDeploymentSnapshot {
  return {
    arn: 'arn:aws:ecs:us-east-1:000000000000:service-deployment/c/web/1',
    status,
    stage,
    strategy: 'BLUE_GREEN',
    target: { arn: `${REV}/8`, requested: 2, running: 2, pending: 0, testWeight: 100, productionWeight: 0 },
    sources: [
      { arn: `${REV}/7`, requested: 2, running: 2, pending: 0, testWeight: 0, productionWeight: 100 },
    ],
    hooks: [{ hookId: 'ecs-pause-1', targetType: 'PAUSE', status: 'AWAITING_ACTION' }],
    triggeredAlarms: [],
  };
}

describe('strategy deployment rows', () => {
  it('ROLLOUT is the service deployment status (IN_PROGRESS while paused at a hook); weights per row', () => {
    const item = strategyItem('web', snapshot('x').arn, `${TD}/web:8`, `${TD}/web:7`, 0);
    const rows = strategyRows(item, snapshot('POST_TEST_TRAFFIC_SHIFT'));
    assert.deepEqual(
      rows.map((r) => [r.status, r.taskDefinition, r.rolloutState, r.testWeight, r.productionWeight]),
      [
        ['TARGET', 'web:8', 'IN_PROGRESS', 100, 0],
        ['SOURCE', 'web:7', 'IN_PROGRESS', 0, 100],
      ],
    );
    const done = strategyRows(item, snapshot('CLEAN_UP', 'SUCCESSFUL'));
    assert.deepEqual(
      done.map((r) => r.rolloutState),
      ['SUCCESSFUL', 'SUCCESSFUL'],
    );
  });

  it('stage and weights have their own place: strategyState', () => {
    const item = strategyItem('web', snapshot('x').arn, `${TD}/web:8`, `${TD}/web:7`, 0);
    assert.deepEqual(strategyState(item, snapshot('TEST_TRAFFIC_SHIFT')), {
      strategy: 'BLUE_GREEN',
      status: 'IN_PROGRESS',
      stage: 'TEST_TRAFFIC_SHIFT',
      testWeight: 100,
      productionWeight: 0,
      revision: 'web:8',
    });
    const rolling: ServiceDeploymentSnapshot = {
      ...snapshot('x'),
      strategy: 'ROLLING',
      target: { arn: `${REV}/8`, requested: 2, running: 1, pending: 1 },
      sources: [],
    };
    delete rolling.stage;
    assert.deepEqual(strategyState(item, rolling), {
      strategy: 'ROLLING',
      status: 'IN_PROGRESS',
      stage: null,
      testWeight: null,
      productionWeight: null,
      revision: 'web:8',
    });
  });

  it('a deployment we did not start (continue): revisions name the task definitions, not "-"', () => {
    const item = strategyItem('web', snapshot('x').arn, '', '', 0);
    assert.deepEqual(
      strategyRows(item, snapshot('BAKE_TIME')).map((r) => r.taskDefinition),
      ['', ''],
      'without them nothing is known (the renderer shows "-")',
    );
    item.revisions = new Map([
      [`${REV}/8`, `${TD}/web:8`],
      [`${REV}/7`, `${TD}/web:7`],
    ]);
    assert.deepEqual(
      strategyRows(item, snapshot('BAKE_TIME')).map((r) => r.taskDefinition),
      ['web:8', 'web:7'],
    );
    assert.equal(strategyState(item, snapshot('BAKE_TIME')).revision, 'web:8');
  });
});
