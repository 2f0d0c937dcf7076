import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredTenantVariable, StoredVariable, VariableInput } from '../model/variable.js';
import { formatPath, jsonEqual, NameIndex, refsToNames } from './names.js';
import { envToken, resolveSecrets, SecretNames, secretPaths, secretsToEnvReferences } from './secrets.js';
import {
  exportTenantVariables,
  exportVariables,
  matchTenantVariables,
  matchVariables,
  variableRefs,
} from './variables.js';

function index(): NameIndex {
  const i = new NameIndex();
  i.add('environment', 'Environments-1', 'Dev');
  i.add('environment', 'Environments-2', 'Prod');
  i.add('project', 'Projects-1', 'web');
  i.add('channel', 'Channels-1', 'Beta', 'Projects-1');
  i.add('channel', 'Channels-2', 'Beta', 'Projects-2');
  i.add('aws-account', 'AwsAccounts-1', 'Prod account');
  i.add('library-set', 'LibrarySets-1', 'Common');
  return i;
}

function variable(v: Partial<VariableInput> & { name: string }): VariableInput {
  return { type: 'text', value: 'x', description: '', scope: {}, ...v };
}

function stored(v: Partial<StoredVariable> & { id: string; name: string }): StoredVariable {
  return { type: 'text', value: 'x', description: '', scope: {}, ...v };
}

describe('names and ids', () => {
  it('formats paths as a file writes them', () => {
    assert.equal(formatPath(['projects', 0, 'channels', 1, 'name']), 'projects[0].channels[1].name');
    assert.equal(formatPath(['value'], 'tenants[0].variables[2]'), 'tenants[0].variables[2].value');
    assert.equal(formatPath([]), '');
  });

  it('finds ids by name ignoring case, channels only within their project', () => {
    const i = index();
    assert.equal(i.idOf('environment', 'prod'), 'Environments-2');
    assert.equal(i.idOf('environment', 'Environments-1'), 'Environments-1');
    assert.equal(i.idOf('environment', 'Staging'), undefined);
    assert.equal(i.idOf('channel', 'beta', 'Projects-2'), 'Channels-2');
    assert.equal(i.idOf('channel', 'Beta'), undefined);
    assert.equal(i.nameOf('Channels-1'), 'Beta');
  });

  it('rewrites references from ids to names, leaving tags alone', () => {
    const doc = { lifecycle: 'x', envs: ['Environments-2', 'Unknown-1'], tags: ['Tier/Gold'] };
    const out = refsToNames(
      doc,
      [
        { path: ['envs', 0], target: 'environment', value: 'Environments-2' },
        { path: ['envs', 1], target: 'environment', value: 'Unknown-1' },
        { path: ['tags', 0], target: 'tag', value: 'Tier/Gold' },
      ],
      index(),
    );
    assert.deepEqual(out, { lifecycle: 'x', envs: ['Prod', 'Unknown-1'], tags: ['Tier/Gold'] });
    assert.deepEqual(doc.envs, ['Environments-2', 'Unknown-1'], 'the input is not changed');
  });

  it('compares JSON ignoring key order and undefined keys', () => {
    assert.ok(jsonEqual({ a: [1, { b: 2 }], c: undefined }, { a: [1, { b: 2 }] }));
    assert.ok(!jsonEqual({ a: [1, 2] }, { a: [2, 1] }));
  });
});

describe('secrets in files', () => {
  it('expands * over lists', () => {
    const doc = { steps: [{ token: 'a' }, {}, { token: { env: 'T' } }], password: null };
    assert.deepEqual(secretPaths(doc, [['steps', '*', 'token'], ['password'], ['missing']]), [
      ['steps', 0, 'token'],
      ['steps', 2, 'token'],
      ['password'],
    ]);
  });

  it('resolves { env } from the environment, naming each missing one, and finds plain ones', () => {
    const doc = { a: { env: 'SET' }, b: { env: 'UNSET' }, c: 'plain', d: { set: true } };
    const res = { missing: [] as string[], plain: [] as string[] };
    resolveSecrets(doc, [['a'], ['b'], ['c'], ['d']], { SET: 's3cret', UNSET: '' }, 'feeds[0]', res);
    assert.deepEqual(doc.a, 's3cret');
    assert.deepEqual(res, { missing: ['feeds[0].b: UNSET'], plain: ['feeds[0].c'] });
  });

  it('names exported secrets SLIPWAY_SECRET_<KIND>_<NAME>_<FIELD>, unique', () => {
    assert.equal(envToken('Prod account'), 'PROD_ACCOUNT');
    assert.equal(envToken('secretAccessKey'), 'SECRET_ACCESS_KEY');
    assert.equal(envToken('hello-color / é!'), 'HELLO_COLOR_E');
    const names = new SecretNames();
    assert.equal(
      names.next('aws-account', 'Prod', 'secretAccessKey'),
      'SLIPWAY_SECRET_AWS_ACCOUNT_PROD_SECRET_ACCESS_KEY',
    );
    assert.equal(
      names.next('aws-account', 'prod', 'secret_access_key'),
      'SLIPWAY_SECRET_AWS_ACCOUNT_PROD_SECRET_ACCESS_KEY_2',
    );
    assert.equal(names.names.length, 2);
  });

  it('exports set secrets as { env } and drops unset ones, never a value', () => {
    const doc: Record<string, unknown> = {
      name: 'Hub',
      password: { set: true },
      token: { set: false },
      other: 'x',
    };
    secretsToEnvReferences(doc, [['password'], ['token']], 'feed', 'Hub', new SecretNames());
    assert.deepEqual(doc, { name: 'Hub', password: { env: 'SLIPWAY_SECRET_FEED_HUB_PASSWORD' }, other: 'x' });
  });
});

describe('variable sets', () => {
  const idOf = (ref: { target: string; value: string }) =>
    index().idOf(ref.target as 'environment', ref.value, ref.target === 'channel' ? 'Projects-1' : undefined);

  it('keeps the id of the stored variable with the same name, type and scope', () => {
    const current = [
      stored({ id: 'V1', name: 'Colour', value: 'blue' }),
      stored({ id: 'V2', name: 'Colour', scope: { environments: ['Environments-2', 'Environments-1'] } }),
      stored({ id: 'V3', name: 'Token', type: 'sensitive', value: { set: true } }),
      stored({ id: 'V4', name: 'Colour', scope: { channels: ['Channels-1'], tenantTags: ['Tier/Gold'] } }),
    ];
    const ids = matchVariables(
      [
        variable({ name: 'Colour', value: 'red', scope: { environments: ['dev', 'Prod'] } }),
        variable({ name: 'Colour', value: 'green' }),
        variable({ name: 'Token', type: 'sensitive', value: 'new' }),
        variable({ name: 'Token', value: 'text now' }),
        variable({ name: 'Colour', scope: { environments: ['Staging'] } }),
        variable({ name: 'Colour', scope: { channels: ['beta'], tenantTags: ['tier/gold'] } }),
      ],
      current,
      idOf,
    );
    assert.deepEqual(ids, ['V2', 'V1', 'V3', undefined, undefined, 'V4']);
  });

  it('pairs repeated variables one to one, in order', () => {
    const current = [stored({ id: 'V1', name: 'A' }), stored({ id: 'V2', name: 'A' })];
    const desired = [variable({ name: 'A' }), variable({ name: 'A' }), variable({ name: 'A' })];
    assert.deepEqual(matchVariables(desired, current, idOf), ['V1', 'V2', undefined]);
  });

  it('matches tenant values by project, environment and template, or library set and template', () => {
    const current: StoredTenantVariable[] = [
      { id: 'T1', project: 'Projects-1', environment: 'Environments-1', template: 'Colour', value: 'x' },
      { id: 'T2', librarySet: 'LibrarySets-1', template: 'Region', value: 'y' },
    ];
    const ids = matchTenantVariables(
      [
        { librarySet: 'common', template: 'Region', value: 'z' },
        { project: 'web', environment: 'Prod', template: 'Colour', value: 'x' },
        { project: 'web', environment: 'Dev', template: 'Colour', value: 'x' },
      ],
      current,
      idOf,
    );
    assert.deepEqual(ids, ['T2', undefined, 'T1']);
  });

  it('lists the references of a variable', () => {
    assert.deepEqual(
      variableRefs({
        type: 'aws-account',
        value: 'Prod account',
        scope: { environments: ['Dev'], roles: ['web'] },
      }),
      [
        { path: ['scope', 'environments', 0], target: 'environment', value: 'Dev' },
        { path: ['value'], target: 'aws-account', value: 'Prod account' },
      ],
    );
  });

  it('exports variables with names, { env } for sensitive values, and no defaults', () => {
    const names = new SecretNames();
    const out = exportVariables(
      [
        stored({ id: 'V1', name: 'Colour', value: 'blue' }),
        stored({ id: 'V2', name: 'DbPassword', type: 'sensitive', value: { set: true }, description: 'db' }),
        stored({
          id: 'V3',
          name: 'Account',
          type: 'aws-account',
          value: 'AwsAccounts-1',
          scope: { environments: ['Environments-2'], channels: [] },
        }),
      ],
      index(),
      names,
      { kind: 'project', name: 'web' },
    );
    assert.deepEqual(out, [
      { name: 'Colour', value: 'blue' },
      {
        name: 'DbPassword',
        type: 'sensitive',
        value: { env: 'SLIPWAY_SECRET_PROJECT_WEB_DB_PASSWORD' },
        description: 'db',
      },
      { name: 'Account', type: 'aws-account', value: 'Prod account', scope: { environments: ['Prod'] } },
    ]);
    const tenant = exportTenantVariables(
      [
        {
          id: 'T1',
          project: 'Projects-1',
          environment: 'Environments-2',
          template: 'ApiToken',
          value: { set: true },
        },
      ],
      index(),
      names,
      'Acme',
    );
    assert.deepEqual(tenant, [
      {
        project: 'web',
        environment: 'Prod',
        template: 'ApiToken',
        value: { env: 'SLIPWAY_SECRET_TENANT_ACME_WEB_PROD_API_TOKEN' },
      },
    ]);
  });
});
