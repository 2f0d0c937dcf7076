import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SandboxClock } from './clock.js';
import { RateLimiter } from './throttle.js';
import { parseAuthorization } from './protocol/sigv4.js';

describe('SandboxClock', () => {
  it('runs timers in time order when advanced, and only those due', () => {
    const clock = new SandboxClock(1, 1_000_000);
    const ran: string[] = [];
    clock.after(3000, () => ran.push('c'));
    clock.after(1000, () => ran.push('a'));
    const b = clock.after(2000, () => ran.push('b'));
    clock.after(1000, () => ran.push('a2'));
    b.cancel();
    clock.advance(2500);
    assert.deepEqual(ran, ['a', 'a2']);
    clock.advance(1000);
    assert.deepEqual(ran, ['a', 'a2', 'c']);
    clock.stop();
  });

  it('timers scheduled while running are honoured', () => {
    const clock = new SandboxClock(1, 0);
    const ran: number[] = [];
    clock.after(10, () => {
      ran.push(1);
      clock.after(10, () => ran.push(2));
    });
    clock.advance(15);
    assert.deepEqual(ran, [1]);
    clock.advance(10);
    assert.deepEqual(ran, [1, 2]);
    clock.stop();
  });

  it('scales sandbox time against the wall clock', async () => {
    const clock = new SandboxClock(100, 0);
    await new Promise((r) => setTimeout(r, 50));
    const now = clock.now();
    assert.ok(now >= 4000, `expected ≥ 4000 ms of sandbox time, got ${now}`);
    let fired = false;
    clock.after(2000, () => (fired = true)); // 20 ms of wall time
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(fired);
    clock.setTimeScale(1);
    assert.equal(clock.timeScale, 1);
    clock.stop();
  });

  it('rejects nonsense scales and negative jumps', () => {
    assert.throws(() => new SandboxClock(0));
    const clock = new SandboxClock();
    assert.throws(() => clock.advance(-1));
    clock.stop();
  });
});

describe('RateLimiter', () => {
  it('allows the burst, then the sustained rate', () => {
    const rl = new RateLimiter();
    const limit = { burst: 5, perSecond: 2 };
    const taken = Array.from({ length: 7 }, () => rl.take('k', limit, 0));
    assert.deepEqual(taken, [true, true, true, true, true, false, false]);
    assert.equal(rl.take('k', limit, 400), false); // 0.8 token
    assert.equal(rl.take('k', limit, 500), true); // 1 token
    assert.equal(rl.take('other', limit, 500), true);
  });
});

describe('SigV4 scope', () => {
  it('reads access key, region and service', () => {
    const h =
      'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20240101/eu-west-1/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc';
    assert.deepEqual(parseAuthorization(h), {
      accessKeyId: 'AKIAEXAMPLE',
      date: '20240101',
      region: 'eu-west-1',
      service: 'ecs',
    });
    assert.equal(parseAuthorization('Basic Zm9vOmJhcg=='), undefined);
    assert.equal(parseAuthorization(undefined), undefined);
  });
});
