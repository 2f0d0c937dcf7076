/** A tenant's template values as a form and back. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cellKey,
  tenantSlots,
  toCells,
  toTenantDocument,
  valueErrors,
  type VariableTemplate,
} from './tenant-model.js';

const COLOUR: VariableTemplate = { name: 'Colour', type: 'text', defaultValue: 'blue' };
const TOKEN: VariableTemplate = { name: 'ApiToken', type: 'sensitive' };
const REGION: VariableTemplate = { name: 'Region', type: 'text' };

describe('tenant template values', () => {
  const slots = tenantSlots(
    [{ project: 'P1', environments: ['Dev', 'Prod'] }],
    new Map([['P1', { templates: [COLOUR, TOKEN], librarySets: ['L1'] }]]),
    new Map([['L1', { templates: [REGION] }]]),
  );

  it('lays out each project template per environment, then the included sets', () => {
    assert.deepEqual(
      slots.map((s) => cellKey(s.owner, s.template.name)),
      ['p|P1|Dev|colour', 'p|P1|Dev|apitoken', 'p|P1|Prod|colour', 'p|P1|Prod|apitoken', 'l|L1|region'],
    );
  });

  it('keeps stored secrets, leaves empty cells out and sends typed values', () => {
    const cells = toCells([
      { id: 't1', project: 'P1', environment: 'Dev', template: 'ApiToken', value: { set: true } },
      { id: 't2', project: 'P1', environment: 'Dev', template: 'Colour', value: 'orange' },
      { id: 't3', librarySet: 'L1', template: 'Region', value: 'eu-west-1' },
    ]);
    cells['p|P1|Prod|colour'] = { value: 'red', keepSecret: false };
    cells['l|L1|region'] = { ...cells['l|L1|region']!, value: '' };
    assert.deepEqual(toTenantDocument(slots, cells), [
      { id: 't2', project: 'P1', environment: 'Dev', template: 'Colour', value: 'orange' },
      { id: 't1', project: 'P1', environment: 'Dev', template: 'ApiToken', value: { set: true } },
      { project: 'P1', environment: 'Prod', template: 'Colour', value: 'red' },
    ]);
  });

  it('files issues by the value they name', () => {
    const errors = valueErrors(['variables[2].value: too long', 'something else']);
    assert.equal(errors.get(2), 'too long');
    assert.equal(errors.get(-1), 'something else');
  });
});
