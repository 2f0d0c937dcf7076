/**
 * Retries: the classification and backoff on their own, then against the sandbox with injected
 * faults (throttling storm, concurrent registrations, a non-retryable error, attempts exhausted).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  CreateClusterCommand,
  DescribeServicesCommand,
  ListClustersCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import type { RetryErrorInfo, SdkError } from '@smithy/types';
import type { SlipwayEvent } from '../core/events.js';
import { startSandbox, type SandboxHandle } from '../sandbox/index.js';
import { createAwsClients, resetRateLimiter, type AwsClients } from './clients.js';
import { backoffDelay, isUnreachableError, retryReason, SlipwayRetryStrategy } from './retry.js';

function sdkError(name: string, message = 'x'): SdkError {
  return { name, message, $metadata: {} };
}

describe('retry classification and backoff', () => {
  it('retries throttling, concurrent registrations and transient errors only', () => {
    const cases: [RetryErrorInfo, string | undefined][] = [
      [{ errorType: 'THROTTLING', error: sdkError('ThrottlingException', 'Rate exceeded') }, 'throttling'],
      [{ errorType: 'TRANSIENT', error: sdkError('TimeoutError') }, 'transient'],
      [
        {
          errorType: 'CLIENT_ERROR',
          error: sdkError(
            'ClientException',
            'Too many concurrent attempts to create a new revision of the specified family.',
          ),
        },
        'concurrent-modification',
      ],
      [{ errorType: 'CLIENT_ERROR', error: sdkError('ClientException', 'Bad input') }, undefined],
      [{ errorType: 'CLIENT_ERROR', error: sdkError('ClusterNotFoundException') }, undefined],
      [{ errorType: 'SERVER_ERROR', error: sdkError('NotImplemented') }, undefined],
    ];
    for (const [info, want] of cases) assert.equal(retryReason(info), want, info.error?.name);
  });

  it('draws full-jitter delays below an exponential ceiling, capped', () => {
    assert.equal(
      backoffDelay(0, 100, 20_000, () => 0),
      0,
    );
    assert.equal(
      backoffDelay(0, 100, 20_000, () => 0.5),
      50,
    );
    assert.equal(
      backoffDelay(3, 100, 20_000, () => 0.5),
      400,
    );
    assert.equal(
      backoffDelay(20, 100, 20_000, () => 0.999_999),
      19_999,
    );
    assert.equal(
      backoffDelay(1000, 100, 20_000, () => 0.5),
      10_000,
    );
  });

  it('gives up after maxAttempts and says which call it retried', async () => {
    const events: SlipwayEvent[] = [];
    const s = new SlipwayRetryStrategy({
      maxAttempts: 3,
      random: () => 0,
      emit: (e) => events.push(e),
      currentCall: () => ({ service: 'ecs', action: 'DescribeServices' }),
    });
    const info: RetryErrorInfo = { errorType: 'THROTTLING', error: sdkError('ThrottlingException') };
    let token = await s.acquireInitialRetryToken('');
    token = await s.refreshRetryTokenForRetry(token, info);
    token = await s.refreshRetryTokenForRetry(token, info);
    assert.equal(token.getRetryCount(), 2);
    await assert.rejects(s.refreshRetryTokenForRetry(token, info));
    assert.deepEqual(
      events.map((e) => [e.code, e.data['action'], e.data['attempt']]),
      [
        ['aws.throttled', 'DescribeServices', 1],
        ['aws.retry', 'DescribeServices', 1],
        ['aws.throttled', 'DescribeServices', 2],
        ['aws.retry', 'DescribeServices', 2],
      ],
    );
  });
});

describe('AWS out of reach', () => {
  const refused = () =>
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4599'), { code: 'ECONNREFUSED', $metadata: {} });

  it('tells a call that got no answer from one AWS answered', () => {
    assert.equal(isUnreachableError(refused()), true);
    assert.equal(isUnreachableError(Object.assign(new Error('x'), { name: 'TimeoutError' })), true);
    assert.equal(isUnreachableError(new Error('wrapped', { cause: { code: 'ENOTFOUND' } })), true);
    const answered = Object.assign(new Error('x'), {
      code: 'ECONNRESET',
      $metadata: { httpStatusCode: 503 },
    });
    assert.equal(isUnreachableError(answered), false);
    assert.equal(isUnreachableError(sdkError('ThrottlingException')), false);
  });

  it('keeps retrying past maxAttempts while nothing answers, for unreachableRetryMs, then gives up', async () => {
    let now = 0;
    const s = new SlipwayRetryStrategy({
      maxAttempts: 3,
      unreachableRetryMs: 60_000,
      random: () => 0.5,
      now: () => now,
    });
    const info: RetryErrorInfo = { errorType: 'TRANSIENT', error: refused() as unknown as SdkError };
    let token = await s.acquireInitialRetryToken('');
    let retries = 0;
    for (;;) {
      try {
        token = await s.refreshRetryTokenForRetry(token, info);
      } catch {
        break;
      }
      retries++;
      now += token.getRetryDelay();
    }
    // Attempts went on well past 3 and stopped once a minute had passed since the first refusal.
    assert.ok(retries > 3, `${retries} retries`);
    assert.ok(now >= 60_000 && now < 60_000 + 20_000, `gave up at ${now} ms`);
    // An answer in between (throttled) ends the run: maxAttempts counts again.
    const other = new SlipwayRetryStrategy({ maxAttempts: 2, unreachableRetryMs: 60_000, now: () => 0 });
    const throttled: RetryErrorInfo = { errorType: 'THROTTLING', error: sdkError('ThrottlingException') };
    await assert.rejects(
      other.refreshRetryTokenForRetry(
        await other.refreshRetryTokenForRetry(await other.acquireInitialRetryToken(''), info),
        throttled,
      ),
    );
  });
});

describe('retries against the sandbox', () => {
  let sb: SandboxHandle;
  let events: SlipwayEvent[];
  let c: AwsClients;

  async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const r = await fetch(`${sb.endpoint}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    assert.equal(r.status, 200, text);
    return text ? JSON.parse(text) : undefined;
  }
  async function stats(action: string): Promise<{ calls: number; throttled: number; errors: number }> {
    const all = (await admin('GET', '/_sandbox/stats')) as {
      actions: Record<string, { calls: number; throttled: number; errors: number }>;
    };
    return all.actions[action] ?? { calls: 0, throttled: 0, errors: 0 };
  }
  const retries = (): SlipwayEvent[] => events.filter((e) => e.code === 'aws.retry');

  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: 100 });
  });
  afterEach(async () => {
    c.destroy();
    resetRateLimiter();
    await admin('DELETE', '/_sandbox/faults');
  });
  after(() => sb.close());

  async function fresh(maxAttempts?: number): Promise<void> {
    events = [];
    c = createAwsClients(
      { region: sb.region, endpoint: sb.endpoint, credentials: { kind: 'static', ...sb.credentials } },
      { emit: (e) => events.push(e), ...(maxAttempts ? { maxAttempts } : {}) },
    );
    await admin('DELETE', '/_sandbox/stats');
  }

  it('rides out a throttling storm on DescribeServices', async () => {
    await fresh();
    await c.ecs.send(new CreateClusterCommand({ clusterName: 'storm' }));
    await admin('POST', '/_sandbox/faults/api', {
      service: 'ecs',
      action: 'DescribeServices',
      errorCode: 'ThrottlingException',
      message: 'Rate exceeded',
      count: 5,
    });
    const out = await c.ecs.send(new DescribeServicesCommand({ cluster: 'storm', services: ['web'] }));
    assert.equal(out.$metadata.attempts, 6);
    assert.equal(retries().length, 5);
    assert.deepEqual(
      retries().map((e) => [e.data['action'], e.data['attempt'], e.data['reason']]),
      [1, 2, 3, 4, 5].map((n) => ['DescribeServices', n, 'throttling']),
    );
    assert.equal(events.filter((e) => e.code === 'aws.throttled').length, 5);
    assert.deepEqual(await stats('ecs:DescribeServices'), { calls: 6, throttled: 5, errors: 0 });
  });

  it('retries "Too many concurrent attempts" on RegisterTaskDefinition', async () => {
    await fresh();
    await admin('POST', '/_sandbox/faults/api', {
      service: 'ecs',
      action: 'RegisterTaskDefinition',
      errorCode: 'ClientException',
      message: 'Too many concurrent attempts to create a new revision of the specified family.',
      count: 2,
    });
    const out = await c.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'web', image: 'nginx:1.27', memory: 128 }],
      }),
    );
    assert.equal(out.taskDefinition?.family, 'web');
    assert.deepEqual(
      retries().map((e) => e.data['reason']),
      ['concurrent-modification', 'concurrent-modification'],
    );
    assert.deepEqual(await stats('ecs:RegisterTaskDefinition'), { calls: 3, throttled: 0, errors: 2 });
  });

  it('does not retry ClusterNotFoundException', async () => {
    await fresh();
    await assert.rejects(
      c.ecs.send(new DescribeServicesCommand({ cluster: 'nope', services: ['web'] })),
      (e: Error) => e.name === 'ClusterNotFoundException',
    );
    assert.equal(retries().length, 0);
    assert.deepEqual(await stats('ecs:DescribeServices'), { calls: 1, throttled: 0, errors: 1 });
  });

  it('gives up with the last error after maxAttempts', async () => {
    await fresh(3);
    await admin('POST', '/_sandbox/faults/api', { service: 'ecs', action: 'ListClusters', count: 10 });
    await assert.rejects(
      c.ecs.send(new ListClustersCommand({})),
      (e: Error & { $metadata?: { attempts?: number } }) =>
        e.name === 'ThrottlingException' && e.$metadata?.attempts === 3,
    );
    assert.equal(retries().length, 2);
    assert.equal((await stats('ecs:ListClusters')).calls, 3);
  });
});
