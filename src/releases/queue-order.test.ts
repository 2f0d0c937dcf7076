import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TargetInfo } from '../core/deployments/index.js';
import type { Deployment } from '../core/model/release.js';
import type { TenantChoice } from '../core/releases/index.js';
import { awsKey, interleaveBy } from './queue-order.js';

describe('queue order', () => {
  it('interleaves round-robin by key, first-seen key first, keeping the order within a key', () => {
    const items = ['a1', 'a2', 'a3', 'b1', 'c1', 'c2'];
    assert.deepEqual(
      interleaveBy(items, (s) => s[0]!),
      ['a1', 'b1', 'c1', 'a2', 'c2', 'a3'],
    );
    assert.deepEqual(
      interleaveBy([], (s: string) => s),
      [],
    );
  });

  it('keys a tenant’s deployment by the accounts and regions of the targets that take part', () => {
    const target = (id: string, extra: Partial<TargetInfo>): TargetInfo => ({
      id,
      name: id,
      roles: ['web'],
      environments: ['Environments-1'],
      tenantedParticipation: 'tenanted',
      tenants: [],
      tenantTags: [],
      region: 'us-east-1',
      cluster: 'c',
      ...extra,
    });
    const targets = [
      target('t1', { awsAccount: 'A1', tenants: ['Tenants-1'] }),
      target('t2', { awsAccount: 'A2', tenantTags: ['Shard/2'] }),
      target('t3', { awsAccount: 'A2', region: 'eu-west-1', tenantTags: ['Shard/2'] }),
      target('other-env', { awsAccount: 'A9', environments: ['Environments-2'], tenants: ['Tenants-1'] }),
      target('shared', { tenantedParticipation: 'untenanted' }),
    ];
    const tenant = (id: string, tags: string[]): TenantChoice => ({
      id,
      name: id,
      tags,
      connections: new Map(),
    });
    const tenants = new Map([
      ['Tenants-1', tenant('Tenants-1', ['Shard/1'])],
      ['Tenants-2', tenant('Tenants-2', ['Shard/2'])],
    ]);
    const env = { id: 'Environments-1', name: 'Dev' };
    const d = (tenantId?: string) =>
      ({ id: `D-${tenantId}`, ...(tenantId ? { tenantId } : {}) }) as Deployment;
    assert.equal(awsKey(d('Tenants-1'), env, targets, tenants), 'A1|us-east-1');
    assert.equal(awsKey(d('Tenants-2'), env, targets, tenants), 'A2|eu-west-1,A2|us-east-1');
    assert.equal(awsKey(d(), env, targets, tenants), 'ambient|us-east-1');
  });
});
