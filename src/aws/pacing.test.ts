/**
 * The shared limiter against the sandbox's own (published) limits: 30 concurrent registrations,
 * from two AwsClients of the same credentials, all succeed without AWS throttling any of them.
 * This takes about (30 - 19) / 0.95 ≈ 12 s of wall clock by design; the time is printed, never asserted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import type { SlipwayEvent } from '../core/events.js';
import { startSandbox, type SandboxHandle } from '../sandbox/index.js';
import { createAwsClients, resetRateLimiter } from './clients.js';

describe('the shared rate limiter', () => {
  let sb: SandboxHandle;

  before(async () => {
    resetRateLimiter();
    sb = await startSandbox({ port: 0, timeScale: 100, throttling: true });
  });
  after(() => sb.close());

  it('paces 30 concurrent RegisterTaskDefinition calls to zero throttling', async () => {
    const events: SlipwayEvent[] = [];
    const target = {
      region: sb.region,
      endpoint: sb.endpoint,
      credentials: { kind: 'static' as const, ...sb.credentials },
    };
    // Two sets of clients for one account: they must draw from one bucket.
    const a = createAwsClients(target, { emit: (e) => events.push(e) });
    const b = createAwsClients(target, { emit: (e) => events.push(e) });
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? a : b).ecs.send(
          new RegisterTaskDefinitionCommand({
            family: `paced-${i % 3}`,
            containerDefinitions: [{ name: 'app', image: 'nginx:1.27', memory: 128 }],
          }),
        ),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`30 registrations took ${seconds.toFixed(1)} s (expected ≈ (30 - 19) / 0.95 = 11.6 s)`);
    a.destroy();
    b.destroy();

    const failed = results.filter((r) => r.status === 'rejected');
    assert.deepEqual(failed, []);
    const stats = (await (await fetch(`${sb.endpoint}/_sandbox/stats`)).json()) as {
      actions: Record<string, { calls: number; throttled: number; errors: number }>;
    };
    assert.deepEqual(stats.actions['ecs:RegisterTaskDefinition'], { calls: 30, throttled: 0, errors: 0 });
    assert.equal(events.filter((e) => e.code === 'aws.retry').length, 0);
  });
});
