import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { candidatesFor, rankCandidates, resolveVariables } from './index.js';
import { FULL, UNTENANTED, library, variable } from '../../../test/kits/variables.js';
import type { VariablePrompt } from './types.js';

const PROMPT: VariablePrompt = { label: 'Release notes URL', required: true, control: 'single-line' };

describe('resolveVariables: tenants', () => {
  it('an untenanted deployment never sees tenant or tenant-tag values, even when nothing else matches', () => {
    const vars = [
      variable('1', 'Only.Tenant', 'acme', { tenants: ['tenant-acme'] }),
      variable('2', 'Only.Tag', 'eu', { tenantTags: ['Region/EU'] }),
      variable('3', 'Mixed', 'tenant', { tenants: ['tenant-acme'], environments: ['Production'] }),
    ];
    const r = resolveVariables(vars, UNTENANTED);
    assert.deepEqual(r.values, {});
    assert.deepEqual(r.chosen, {});
  });

  it('an untenanted deployment falls back to the less specific value', () => {
    const vars = [
      variable('1', 'Url', 'tenant', { tenants: ['tenant-acme'] }),
      variable('2', 'Url', 'tag', { tenantTags: ['Region/EU'] }),
      variable('3', 'Url', 'default'),
    ];
    assert.deepEqual(resolveVariables(vars, UNTENANTED).values, { Url: 'default' });
    assert.deepEqual(resolveVariables(vars, FULL).values, { Url: 'tenant' });
  });
});

describe('resolveVariables: names', () => {
  it('names are case-insensitive; the key is the first spelling in the input', () => {
    const vars = [
      variable('1', 'Db.Host', 'any'),
      variable('2', 'DB.HOST', 'prod', { environments: ['Production'] }),
    ];
    const r = resolveVariables(vars, FULL);
    assert.deepEqual(r.values, { 'Db.Host': 'prod' });
    assert.equal(r.chosen['db.host']?.id, '2');
  });

  it('the key does not depend on which value matches', () => {
    const vars = [
      variable('1', 'API.Url', 'dev', { environments: ['Dev'] }),
      variable('2', 'api.url', 'prod', { environments: ['Production'] }),
    ];
    assert.deepEqual(resolveVariables(vars, FULL).values, { 'API.Url': 'prod' });
  });

  it('values keep the order in which names first appear', () => {
    const vars = [
      variable('1', 'B', 'b'),
      variable('2', 'A', 'a'),
      variable('3', 'b', 'b2', { channels: ['Beta'] }),
    ];
    assert.deepEqual(Object.keys(resolveVariables(vars, FULL).values), ['B', 'A']);
  });

  it('a name like __proto__ is an ordinary key', () => {
    const r = resolveVariables([variable('1', '__proto__', 'x')], FULL);
    assert.deepEqual(Object.keys(r.values), ['__proto__']);
    assert.equal(Object.getPrototypeOf(r.values), Object.prototype);
  });

  it('no variables, no values', () => {
    assert.deepEqual(resolveVariables([], FULL), {
      values: {},
      chosen: {},
      sensitiveValues: [],
      prompted: [],
    });
  });
});

describe('resolveVariables: sensitive and prompted', () => {
  it('sensitiveValues holds the chosen sensitive values only, once each, never empty', () => {
    const vars = [
      variable('1', 'Password', 'dev-secret', { environments: ['Dev'] }, { type: 'sensitive' }),
      variable('2', 'Password', 'prod-secret', { environments: ['Production'] }, { type: 'sensitive' }),
      variable('3', 'ApiKey', 'prod-secret', {}, { type: 'sensitive' }),
      variable('4', 'Empty', '', {}, { type: 'sensitive' }),
      variable('5', 'Plain', 'not-secret'),
      // The chosen Token is text: the overridden sensitive value is not used, so not listed.
      variable('6', 'Token', 'shadowed-secret', {}, { type: 'sensitive' }),
      variable('7', 'Token', 'public', { channels: ['Beta'] }),
    ];
    assert.deepEqual(resolveVariables(vars, FULL).sensitiveValues, ['prod-secret']);
  });

  it('prompted lists the chosen variables that carry a prompt', () => {
    const vars = [
      variable('1', 'Notes', '', {}, { prompt: PROMPT }),
      variable('2', 'Approver', 'ops', {}, { prompt: { ...PROMPT, label: 'Approver' } }),
      // A more specific value without a prompt wins: nothing to ask for Approver in Production.
      variable('3', 'Approver', 'prod-ops', { environments: ['Production'] }),
    ];
    const r = resolveVariables(vars, FULL);
    assert.deepEqual(
      r.prompted.map((v) => v.id),
      ['1'],
    );
    assert.deepEqual(
      resolveVariables(vars, { environment: 'Dev' }).prompted.map((v) => v.id),
      ['1', '2'],
    );
  });
});

describe('resolveVariables: OR within, AND across, roles', () => {
  const vars = [
    variable('1', 'Port', '80'),
    variable('2', 'Port', '8080', { environments: ['Staging', 'Production'], roles: ['db', 'cache'] }),
    variable('3', 'Port', '9090', { environments: ['Production'], roles: ['web'], channels: ['Stable'] }),
  ];
  it('matches on any listed value of each dimension, and on every scoped dimension', () => {
    // 3 fails on channel (AND); 2 matches Production (OR) and role db (OR).
    assert.equal(resolveVariables(vars, FULL).values['Port'], '8080');
  });
  it('a step-level evaluation without a target matches the roles the step targets', () => {
    const stepOnly = { environment: 'Production', channel: 'Stable', step: { id: 'deploy', roles: ['web'] } };
    assert.equal(resolveVariables(vars, stepOnly).values['Port'], '9090');
  });
  it('a target without a scoped role does not match', () => {
    const other = { environment: 'Production', target: { id: 'ecs-2', roles: ['worker'] } };
    assert.equal(resolveVariables(vars, other).values['Port'], '80');
  });
});

describe('candidatesFor + rankCandidates: explaining a value', () => {
  it('lists every matching value of a name, winner first', () => {
    const vars = [
      variable('1', 'X', 'unscoped'),
      variable('2', 'X', 'lib-env', { environments: ['Production'] }, { source: library('s', 0) }),
      variable('3', 'X', 'env', { environments: ['Production'] }),
      variable('4', 'X', 'dev', { environments: ['Dev'] }),
      variable('5', 'Y', 'other'),
    ];
    const ranked = rankCandidates(candidatesFor(vars, FULL, 'x'));
    assert.deepEqual(
      ranked.map((c) => c.variable.value),
      ['env', 'lib-env', 'unscoped'],
    );
    assert.deepEqual(ranked[0]?.match.dimensions, ['environment']);
  });
});
