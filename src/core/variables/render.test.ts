// Integration: the values resolveVariables chooses are what renderTemplate substitutes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTemplate } from '../template/index.js';
import { resolveVariables } from './index.js';
import { FULL, UNTENANTED, library, variable } from '../../../test/kits/variables.js';

const VARS = [
  variable('1', 'Db.Host', 'localhost'),
  variable('2', 'db.host', 'prod-db.internal', { environments: ['Production'] }),
  variable('3', 'Db.Port', '5432', {}, { source: library('shared', 0) }),
  variable('4', 'DbUrl', 'postgres://#{DB.HOST}:#{Db.Port}/#{Tenant.Schema}'),
  variable('5', 'Tenant.Schema', 'public'),
  variable('6', 'Tenant.Schema', 'acme', { tenants: ['tenant-acme'] }),
];

describe('resolveVariables → renderTemplate', () => {
  it('renders with the most specific values, nested references and case-insensitive names', () => {
    const { values } = resolveVariables(VARS, FULL);
    const r = renderTemplate('url=#{DbUrl}', values);
    assert.deepEqual(r.missing, []);
    assert.equal(r.output, 'url=postgres://prod-db.internal:5432/acme');
  });

  it('an untenanted deployment renders the untenanted value', () => {
    const { values } = resolveVariables(VARS, UNTENANTED);
    assert.equal(renderTemplate('#{DbUrl}', values).output, 'postgres://prod-db.internal:5432/public');
  });

  it('a value that matches nowhere is reported missing', () => {
    const { values } = resolveVariables(
      [variable('1', 'Only.Dev', 'x', { environments: ['Dev'] }), ...VARS],
      FULL,
    );
    // The exact spelling of `missing` entries is the engine's business; that this one is listed is ours.
    const { missing } = renderTemplate('#{Only.Dev}', values);
    assert.equal(missing.length, 1);
    assert.match(missing[0] ?? '', /Only\.Dev/);
  });
});
