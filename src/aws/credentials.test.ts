/** RefreshableCredentials on its own: caching, refresh near expiry, invalidation by generation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { SlipwayEvent } from '../core/events.js';
import { credentialIdentityKey, RefreshableCredentials } from './credentials.js';

function counting(expiresInMs: number | undefined): {
  creds: RefreshableCredentials;
  loads: () => number;
  forced: boolean[];
  events: SlipwayEvent[];
} {
  let n = 0;
  const forced: boolean[] = [];
  const events: SlipwayEvent[] = [];
  const creds = new RefreshableCredentials(
    'test',
    true,
    async (_props, force): Promise<AwsCredentialIdentity> => {
      n++;
      forced.push(force);
      await Promise.resolve();
      return {
        accessKeyId: `ASIA${n}`,
        secretAccessKey: 's',
        ...(expiresInMs === undefined ? {} : { expiration: new Date(Date.now() + expiresInMs) }),
      };
    },
    (e) => events.push(e),
  );
  return { creds, loads: () => n, forced, events };
}

describe('RefreshableCredentials', () => {
  it('loads once for concurrent callers and caches long-lived credentials', async () => {
    const { creds, loads, events } = counting(3_600_000);
    const [a, b] = await Promise.all([creds.provider(), creds.provider()]);
    assert.equal(a, b);
    await creds.provider();
    assert.equal(loads(), 1);
    assert.equal(events.length, 0, 'the first load is not a refresh');
  });

  it('re-derives credentials within five minutes of expiry', async () => {
    const { creds, loads, events } = counting(60_000);
    assert.equal((await creds.provider()).accessKeyId, 'ASIA1');
    assert.equal((await creds.provider()).accessKeyId, 'ASIA2');
    assert.equal(loads(), 2);
    assert.deepEqual(
      events.map((e) => [e.code, e.data['reason']]),
      [['aws.credentials-refreshed', 'expiring']],
    );
  });

  it('invalidates only the generation a failed call used, and forces the reload', async () => {
    const { creds, loads, forced } = counting(3_600_000);
    await creds.provider();
    const used = creds.generation;
    assert.equal(creds.invalidate(used), true);
    assert.equal((await creds.provider()).accessKeyId, 'ASIA2');
    // A second call that failed with the old session must not throw the new one away.
    assert.equal(creds.invalidate(used), true);
    assert.equal((await creds.provider()).accessKeyId, 'ASIA2');
    assert.equal(loads(), 2);
    assert.deepEqual(forced, [false, true]);
  });

  it('keeps a still-valid session when an early refresh fails', async () => {
    let calls = 0;
    const expiration = new Date(Date.now() + 60_000);
    const creds = new RefreshableCredentials(
      'flaky',
      true,
      () => {
        calls++;
        return calls === 1
          ? Promise.resolve({ accessKeyId: 'ASIA1', secretAccessKey: 's', expiration })
          : Promise.reject(new Error('STS unavailable'));
      },
      undefined,
    );
    assert.equal((await creds.provider()).accessKeyId, 'ASIA1');
    assert.equal((await creds.provider()).accessKeyId, 'ASIA1');
    assert.equal(calls, 2);
    // Once AWS has refused it, the old session is not offered again.
    creds.invalidate();
    await assert.rejects(creds.provider(), /STS unavailable/);
  });

  it('has nothing to refresh for long-term keys', () => {
    const creds = new RefreshableCredentials(
      'static',
      false,
      () => Promise.resolve({ accessKeyId: 'AKIA', secretAccessKey: 's' }),
      undefined,
    );
    assert.equal(creds.invalidate(), false);
  });
});

describe('credentialIdentityKey', () => {
  it('keys assumed roles by account, keys by access key id', () => {
    const source = { kind: 'static' as const, accessKeyId: 'AKIA1', secretAccessKey: 's' };
    assert.equal(credentialIdentityKey(source), 'key:AKIA1');
    assert.equal(
      credentialIdentityKey({ kind: 'assume-role', roleArn: 'arn:aws:iam::123456789012:role/D', source }),
      'account:123456789012',
    );
    assert.equal(credentialIdentityKey({ kind: 'chain', profile: 'prod' }), 'profile:prod');
  });
});
