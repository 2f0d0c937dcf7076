/**
 * The sandbox's table of AWS's input rules (src/sandbox/protocol/model-limits.ts) is what AWS's
 * service models say, for every action the sandbox serves. Skips when botocore's models are absent.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MODEL_LIMITS } from '../../src/sandbox/protocol/model-limits.js';
import { deriveModelLimits } from './model-limits.js';

it('the sandbox checks inputs by the rules of AWS’s service models', (t) => {
  const derived = deriveModelLimits();
  if (!derived) return t.skip('botocore models not found (set BOTOCORE_DATA_DIR)');
  assert.deepEqual(
    MODEL_LIMITS,
    derived,
    'src/sandbox/protocol/model-limits.ts is out of date: run node --import tsx test/conformance/model-limits.ts --write',
  );
  // The numbers the findings named are in it.
  assert.ok(MODEL_LIMITS.ecs?.UpdateService?.some((r) => r.path === 'desiredCount' && r.type === 'integer'));
  const duration = MODEL_LIMITS.sts?.AssumeRole?.find((r) => r.path === 'DurationSeconds');
  assert.deepEqual([duration?.min, duration?.max], [900, 43200]);
});
