/** The limiter on a fake clock: bucket choice, headroom, FIFO waiting, abort, reset. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { ECS_BUCKETS } from '../core/aws-limits.js';
import { bucketFor, RateLimiter, type RateKey } from './rate-limit.js';

const register: RateKey = {
  identity: 'key:A',
  region: 'us-east-1',
  service: 'ecs',
  action: 'RegisterTaskDefinition',
};

/** Lets resolved promises run their continuations. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('bucketFor', () => {
  it('maps actions to the published buckets', () => {
    const cases: [string, string, string, number][] = [
      ['ecs', 'DescribeServices', 'ecs:serviceRead', ECS_BUCKETS.serviceRead.perSecond],
      ['ecs', 'UpdateService', 'ecs:serviceModify', 5],
      ['ecs', 'RegisterTaskDefinition', 'ecs:taskDefinitionModify', 1],
      ['ecs', 'DeregisterTaskDefinition', 'ecs:taskDefinitionModify', 1],
      ['ecs', 'TagResource', 'ecs:other', ECS_BUCKETS.other.perSecond],
      ['ecr', 'GetAuthorizationToken', 'ecr:GetAuthorizationToken', 20],
      ['ecr', 'DescribeImages', 'ecr:DescribeImages', 50],
      ['logs', 'GetLogEvents', 'logs:GetLogEvents', 50],
    ];
    for (const [service, action, name, perSecond] of cases) {
      const b = bucketFor(service, action);
      assert.equal(b.name, name, `${service}:${action}`);
      assert.equal(b.limit.perSecond, perSecond, `${service}:${action}`);
    }
  });
});

describe('RateLimiter', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 }));
  afterEach(() => mock.timers.reset());

  it('keeps headroom below the published burst, then paces at the reduced rate in order', async () => {
    const limiter = new RateLimiter({ headroom: 0.9, burstHeadroom: 0.9, now: () => Date.now() });
    assert.equal(limiter.inspect(register).burst, 18);
    const order: number[] = [];
    const calls = Array.from({ length: 21 }, (_, i) => limiter.acquire(register).then(() => order.push(i)));
    await settle();
    assert.equal(order.length, 18, 'the burst goes at once');
    assert.equal(limiter.inspect(register).waiting, 3);
    // 0.9 tokens per second: the next token after 1112 ms, not 1000.
    mock.timers.tick(1000);
    await settle();
    assert.equal(order.length, 18);
    mock.timers.tick(112);
    await settle();
    assert.equal(order.length, 19);
    mock.timers.tick(2300);
    await Promise.all(calls);
    assert.deepEqual(
      order,
      Array.from({ length: 21 }, (_, i) => i),
    );
  });

  it('keeps buckets apart by identity, region and bucket, and shares them otherwise', async () => {
    const limiter = new RateLimiter({ headroom: 1, burstHeadroom: 1, now: () => Date.now() });
    for (let i = 0; i < 20; i++) await limiter.acquire(register);
    assert.equal(Math.floor(limiter.inspect(register).available), 0);
    // Deregistering draws from the same bucket as registering.
    assert.equal(
      Math.floor(limiter.inspect({ ...register, action: 'DeregisterTaskDefinition' }).available),
      0,
    );
    assert.equal(limiter.inspect({ ...register, identity: 'key:B' }).available, 20);
    assert.equal(limiter.inspect({ ...register, region: 'eu-west-1' }).available, 20);
    assert.equal(limiter.inspect({ ...register, action: 'DescribeServices' }).available, 100);
  });

  it('lets a waiting call give up when its signal aborts, without losing the others their turn', async () => {
    const limiter = new RateLimiter({ headroom: 1, burstHeadroom: 1, now: () => Date.now() });
    for (let i = 0; i < 20; i++) await limiter.acquire(register);
    const ac = new AbortController();
    const first = limiter.acquire(register, ac.signal);
    const second = limiter.acquire(register);
    ac.abort(new Error('gave up'));
    await assert.rejects(first, /gave up/);
    assert.equal(limiter.inspect(register).waiting, 1);
    mock.timers.tick(1000);
    assert.ok((await second) >= 1000);
  });

  it('rejects waiting calls when disposed', async () => {
    const limiter = new RateLimiter({ headroom: 1, burstHeadroom: 1, now: () => Date.now() });
    for (let i = 0; i < 20; i++) await limiter.acquire(register);
    const waiting = limiter.acquire(register);
    limiter.dispose();
    await assert.rejects(waiting, /reset/);
  });
});
