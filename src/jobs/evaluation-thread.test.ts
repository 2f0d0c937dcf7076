import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcessStep } from '../core/deployments/index.js';
import { isSlipwayError } from '../core/errors.js';
import { EvaluationThreads } from './evaluation-thread.js';

const threads = new EvaluationThreads(1);

function script(text: string): ProcessStep['action'] {
  return { type: 'run-script', syntax: 'bash', script: text } as unknown as ProcessStep['action'];
}

describe('template evaluation in a worker thread', () => {
  it('evaluates an action and learns the values derived from secrets', async () => {
    const variables = { values: { Name: 'web', Secret: 'Hunter2' }, sensitive: ['Hunter2'] };
    const action = await threads.evaluateAction(script('echo #{Name} #{Secret | ToLower}'), variables);
    assert.equal((action as unknown as { script: string }).script, 'echo web hunter2');
    assert.deepEqual(variables.sensitive, ['Hunter2', 'hunter2']);
  });

  it('keeps the error code, message and data of a failure', async () => {
    const variables = { values: {}, sensitive: [] };
    await assert.rejects(threads.evaluateAction(script('echo #{Missing}'), variables), (e: unknown) => {
      assert.ok(isSlipwayError(e));
      assert.equal(e.code, 'INVALID_INPUT');
      assert.match(e.message, /action\.script: #\{Missing\}/);
      assert.deepEqual(e.data.missing, ['action.script: #{Missing}']);
      return true;
    });
  });

  it('leaves the event loop free while an expensive template runs into its budget', async () => {
    const items = Array.from({ length: 400 }, (_, i) => String(i)).join(',');
    const variables = { values: { Items: items }, sensitive: [] };
    let turns = 0;
    let running = true;
    const spin = (): void => {
      turns++;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    // Evaluated on this thread, the loop would not turn once before the answer.
    const evaluation = threads.evaluateAction(
      script('#{each a in Items}#{each b in Items}#{each c in Items}x#{/each}#{/each}#{/each}'),
      variables,
    );
    await assert.rejects(
      evaluation,
      (e: unknown) => isSlipwayError(e) && e.code === 'TEMPLATE_TOO_EXPENSIVE',
    );
    running = false;
    assert.ok(turns > 0, 'the event loop turned while the template was evaluated');
  });

  it('evaluates a release version template', async () => {
    const version = await threads.nextReleaseVersion('1.2.i', {
      previousVersions: ['1.2.7'],
      now: new Date('2026-12-07T00:00:00Z'),
    });
    assert.equal(version, '1.2.8');
  });
});
