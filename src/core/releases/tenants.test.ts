import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../errors.js';
import { selectTenants, type TenantChoice } from './index.js';

function tenant(
  id: string,
  name: string,
  tags: string[],
  connections: Record<string, string[]>,
): TenantChoice {
  return { id, name, tags, connections: new Map(Object.entries(connections)) };
}

const WEB = { 'Projects-1': ['dev', 'prod'] };
const TENANTS: TenantChoice[] = [
  tenant('Tenants-1', 'contoso', ['Region/EU', 'Tier/Gold'], WEB),
  tenant('Tenants-2', 'Acme', ['Region/US', 'Tier/Gold'], WEB),
  tenant('Tenants-3', 'Globex', ['Region/EU', 'Tier/Silver'], WEB),
  tenant('Tenants-4', 'Initech', ['Region/APAC', 'Tier/Gold'], { 'Projects-1': ['dev'] }),
  tenant('Tenants-5', 'Umbrella', ['Region/EU', 'Tier/Gold'], { 'Projects-2': ['prod'] }),
];

function names(request: { names?: string[]; tags?: string[] }, environment = 'prod'): string[] {
  return selectTenants(
    TENANTS,
    { names: request.names ?? [], tags: request.tags ?? [] },
    'Projects-1',
    environment,
  ).map((t) => t.name);
}

describe('selectTenants', () => {
  // [what, request, environment, expected names]
  const cases: [string, { names?: string[]; tags?: string[] }, string, string[]][] = [
    ['by name, ignoring case', { names: ['ACME', 'Globex'] }, 'prod', ['Acme', 'Globex']],
    ['by id', { names: ['tenants-3'] }, 'prod', ['Globex']],
    [
      '* = every tenant connected in the environment, sorted by name ignoring case',
      { names: ['*'] },
      'prod',
      ['Acme', 'contoso', 'Globex'],
    ],
    ['* in another environment', { names: ['*'] }, 'dev', ['Acme', 'contoso', 'Globex', 'Initech']],
    ['one tag', { tags: ['Region/EU'] }, 'prod', ['contoso', 'Globex']],
    ['OR within a set', { tags: ['Region/EU', 'Region/US'] }, 'prod', ['Acme', 'contoso', 'Globex']],
    ['AND across sets', { tags: ['Region/EU', 'Tier/Gold'] }, 'prod', ['contoso']],
    ['OR and AND', { tags: ['Region/EU', 'Region/APAC', 'Tier/Gold'] }, 'dev', ['contoso', 'Initech']],
    ['tags ignore case', { tags: ['region/eu', 'TIER/silver'] }, 'prod', ['Globex']],
    ['tag-matched tenants not connected are left out', { tags: ['Region/APAC'] }, 'dev', ['Initech']],
    [
      'names and tags: union, each once',
      { names: ['Acme', 'contoso'], tags: ['Tier/Gold'] },
      'prod',
      ['Acme', 'contoso'],
    ],
    ['* and a name', { names: ['*', 'Globex'] }, 'prod', ['Acme', 'contoso', 'Globex']],
    ['empty request: untenanted', {}, 'prod', []],
    ['blank names are ignored', { names: [' '] }, 'prod', []],
  ];
  for (const [what, request, environment, expected] of cases) {
    it(what, () => assert.deepEqual(names(request, environment), expected));
  }

  function refused(
    request: { names?: string[]; tags?: string[] },
    pattern: RegExp,
    environment = 'prod',
  ): void {
    assert.throws(
      () => names(request, environment),
      (e: unknown) => e instanceof SlipwayError && e.code === 'INVALID_INPUT' && pattern.test(e.message),
    );
  }

  it('a named tenant not connected in the environment: says where it is connected', () => {
    refused(
      { names: ['Initech', 'Umbrella', 'Acme'] },
      /Not connected to this project in environment prod: Initech \(connected to this project in dev only\); Umbrella \(not connected to this project\)\./,
    );
  });

  it('a tenant that does not exist', () =>
    refused({ names: ['Acme', 'Nobody'] }, /No tenant is named "Nobody"/));

  it('no tenant matched the tags', () => {
    refused(
      { tags: ['Region/US', 'Tier/Silver'] },
      /No tenant connected to this project in environment prod matched Region\/US, Tier\/Silver/,
    );
    refused({ tags: ['Region/Mars'] }, /matched Region\/Mars/);
  });

  it('* with nobody connected', () =>
    refused({ names: ['*'] }, /No tenant connected .* matched \*/, 'staging'));

  it('a tag not written Set/Tag', () => {
    refused({ tags: ['Gold'] }, /"Gold" is not written as "Tag set\/Tag"/);
    refused({ tags: ['Tier/'] }, /not written/);
  });

  it('returns the tenants themselves', () => {
    const [only] = selectTenants(TENANTS, { names: ['acme'], tags: [] }, 'Projects-1', 'prod');
    assert.equal(only, TENANTS[1]);
  });
});
