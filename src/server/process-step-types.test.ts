/** Saving a process whose step this server cannot run is refused (400 naming the step and type). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXAMPLE_DEPLOY_SERVICE_PROCESS } from '../../test/kits/model-deploy-service.js';
import {
  SPACE_URL,
  createExamples,
  expectError,
  startApi,
  type ApiUnderTest,
} from '../../test/kits/server-resources.js';
import { builtInExecutors } from '../jobs/executors/index.js';
import type { Engine } from '../jobs/engine.js';
import { refuseUnrunnableSteps } from './process-step-types.js';

const PROCESS = `${SPACE_URL}/projects/web/process`;

/** An engine that runs `types` (nothing else of it is used here). */
function engineRunning(types: readonly string[]): Engine {
  const unused = () => Promise.reject(new Error('not used in this test'));
  return { stepTypes: types, enqueue: unused, cancel: unused, waitFor: unused, stop: unused };
}

describe('saving a process checks its steps against the engine’s step types', () => {
  let api: ApiUnderTest;
  const deployService = structuredClone(EXAMPLE_DEPLOY_SERVICE_PROCESS) as { steps: unknown[] };
  const body = {
    steps: [
      ...deployService.steps,
      { name: 'Approve', action: { type: 'manual-intervention', instructions: 'ok' } },
    ],
  };
  const put = async (payload: typeof body, query = '') => {
    const read = await api.call({ method: 'GET', url: PROCESS });
    return api.call({
      method: 'PUT',
      url: PROCESS + query,
      headers: { 'if-match': String(read.headers.etag) },
      payload,
    });
  };

  before(async () => {
    api = await startApi();
    await createExamples(api);
  });
  after(async () => api.close());

  it('refuses a step type the engine has no executor for, naming the step and type; a dry run agrees', async () => {
    api.deps.engine = engineRunning(['ecs-update-service', 'manual-intervention']);
    for (const query of ['', '?dryRun=true']) {
      const err = expectError(
        await put(body, query),
        400,
        'INVALID_INPUT',
        /cannot run step "Deploy service" \(type "ecs-deploy-service"\)/,
      );
      assert.deepEqual(err.details.steps, [{ step: 'Deploy service', type: 'ecs-deploy-service' }]);
    }
  });

  it('accepts the process when the engine runs every step type (the built-in executors do)', async () => {
    api.deps.engine = engineRunning(builtInExecutors().map((e) => e.type));
    const res = await put(body);
    assert.equal(res.statusCode, 200, res.body);
  });

  it('leaves unknown types to the schema, and checks nothing without an engine', () => {
    assert.doesNotThrow(() =>
      refuseUnrunnableSteps({ steps: [{ name: 's', action: { type: 'bogus' } }] }, [], ['run-script']),
    );
    assert.doesNotThrow(() =>
      refuseUnrunnableSteps({ steps: [{ name: 's', action: { type: 'run-script' } }] }, undefined, [
        'run-script',
      ]),
    );
    assert.throws(
      () => refuseUnrunnableSteps({ steps: [{ action: { type: 'run-script' } }] }, [], ['run-script']),
      /step "#1" \(type "run-script"\)/,
    );
  });
});
