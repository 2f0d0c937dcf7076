import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  accountBody,
  accountForm,
  auditFilters,
  auditQuery,
  auditSearch,
  exportFileName,
  grantLabel,
  keyState,
  localToIso,
  planTone,
  splitList,
  targetBody,
  targetForm,
  type AccountJson,
} from './admin-logic.js';

describe('the AWS account form', () => {
  const stored: AccountJson = {
    id: 'AwsAccounts-1',
    name: 'Main',
    version: 3,
    mode: 'keys',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: { set: true },
    environments: ['Environments-1'],
    tenants: [],
  };

  it('keeps the stored secret when the field is left empty, and replaces it when given', () => {
    const form = accountForm(stored);
    assert.equal(form.secretAccessKey, '');
    assert.deepEqual(accountBody(form, stored).secretAccessKey, { set: true });
    assert.equal(accountBody({ ...form, secretAccessKey: 'new' }, stored).secretAccessKey, 'new');
  });

  it('sends null for a new keys account without a secret, so the API names the field', () => {
    assert.equal(accountBody({ ...accountForm(undefined), name: 'x' }, undefined).secretAccessKey, null);
  });

  it('writes only the fields of the chosen mode', () => {
    const role = accountBody(
      { ...accountForm(stored), mode: 'role', roleArn: ' arn:aws:iam::1:role/x ' },
      stored,
    );
    assert.deepEqual(Object.keys(role).sort(), [
      'description',
      'environments',
      'mode',
      'name',
      'roleArn',
      'tenants',
    ]);
    assert.equal(role.roleArn, 'arn:aws:iam::1:role/x');
    assert.deepEqual(accountBody({ ...accountForm(stored), mode: 'ambient', region: 'eu-west-1' }, stored), {
      name: 'Main',
      description: '',
      region: 'eu-west-1',
      environments: ['Environments-1'],
      tenants: [],
      mode: 'ambient',
    });
  });
});

describe('the ECS target form', () => {
  it('splits roles and tags, and leaves tenants out of an untenanted target', () => {
    const form = {
      ...targetForm(undefined),
      name: 't',
      region: 'us-east-1',
      cluster: 'c',
      roles: 'web, api,,',
    };
    const body = targetBody({ ...form, tenants: ['Tenants-1'], tenantTags: 'Tier/Gold' }, undefined);
    assert.deepEqual(body.roles, ['web', 'api']);
    assert.deepEqual(body.tenants, []);
    assert.deepEqual(body.tenantTags, []);
    assert.equal('assumeRole' in body, false);
    const tenanted = targetBody(
      { ...form, tenantedParticipation: 'both', tenantTags: 'Tier/Gold' },
      undefined,
    );
    assert.deepEqual(tenanted.tenantTags, ['Tier/Gold']);
  });

  it('round-trips a stored target, keeping its role settings', () => {
    const stored = {
      id: 'EcsTargets-1',
      name: 'Demo',
      version: 1,
      region: 'us-east-1',
      cluster: 'demo',
      assumeRole: { roleArn: 'arn:aws:iam::1:role/r', externalId: 'x' },
      roles: ['web'],
      environments: ['Environments-1'],
      tenantedParticipation: 'untenanted' as const,
      tenants: [],
      tenantTags: [],
    };
    const body = targetBody(targetForm(stored), stored);
    assert.deepEqual(body.assumeRole, { roleArn: 'arn:aws:iam::1:role/r', externalId: 'x' });
    assert.deepEqual(body.roles, ['web']);
    assert.deepEqual(splitList(' a ,b '), ['a', 'b']);
  });
});

describe('grants, plans and names', () => {
  it('says a grant in words with names', () => {
    const names: Record<string, string> = { 'Environments-1': 'Dev' };
    const nameOf = (id: string) => names[id] ?? id;
    assert.equal(
      grantLabel({ role: 'deployer', projects: [], environments: ['Environments-1'], tenants: [] }, nameOf),
      'deployer in environments Dev',
    );
    assert.equal(
      grantLabel({ role: 'viewer', projects: [], environments: [], tenants: [] }, nameOf),
      'viewer, everywhere',
    );
  });

  it('colours plan actions and names the download', () => {
    assert.equal(planTone('create'), 'success');
    assert.equal(planTone('update'), 'warning');
    assert.equal(planTone('unchanged'), 'neutral');
    assert.equal(exportFileName('Default', 'yaml'), 'slipway-Default.yaml');
    assert.equal(exportFileName('My space/ü', 'json'), 'slipway-My-space.json');
  });
});

describe('the audit filters', () => {
  it('reads the URL, drops unknown actions and writes it back', () => {
    const f = auditFilters(new URLSearchParams('actor=admin&action=explode&entityType=team'));
    assert.deepEqual(f, { entityType: 'team', actor: 'admin', action: '', from: '', to: '', cursor: '' });
    assert.equal(auditSearch(f), '?entityType=team&actor=admin');
    assert.equal(auditSearch(auditFilters(new URLSearchParams())), '');
  });

  it('sends times with a zone, and leaves empty filters out', () => {
    const iso = localToIso('2026-01-02T03:04');
    assert.match(iso ?? '', /^2026-01-0[12]T\d\d:\d\d:00\.000Z$/);
    assert.equal(localToIso(''), undefined);
    assert.equal(localToIso('not a time'), undefined);
    const q = auditQuery({ entityType: '', actor: 'a', action: 'update', from: '', to: '', cursor: '' });
    assert.deepEqual(q, {
      entityType: undefined,
      actor: 'a',
      action: 'update',
      from: undefined,
      to: undefined,
      cursor: undefined,
    });
  });
});

describe('API key states', () => {
  it('reads revoked before expired', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(
      keyState({ revokedAt: '2025-01-01T00:00:00Z', expiresAt: '2020-01-01T00:00:00Z' }, now),
      'Revoked',
    );
    assert.equal(keyState({ revokedAt: null, expiresAt: '2025-12-31T00:00:00Z' }, now), 'Expired');
    assert.equal(keyState({ revokedAt: null, expiresAt: null }, now), 'Active');
  });
});
