/** The variable grid's rows ⇄ the API's variable set, scope summaries and issues by row. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatOptions,
  isDirty,
  newRow,
  parseOptions,
  rowErrors,
  scopeSummary,
  splitList,
  toDocument,
  toRows,
  type StoredVariable,
} from './grid-model.js';

const STORED: StoredVariable[] = [
  { id: 'v1', name: 'Colour', type: 'text', value: 'blue', description: '', scope: {} },
  {
    id: 'v2',
    name: 'Colour',
    type: 'text',
    value: 'green',
    description: 'prod',
    scope: { environments: ['Environments-2'], roles: [] },
  },
  { id: 'v3', name: 'Db.Password', type: 'sensitive', value: { set: true }, description: '', scope: {} },
  {
    id: 'v4',
    name: 'Approver',
    type: 'text',
    value: '',
    description: '',
    scope: {},
    prompt: { label: 'Who?', required: true, control: 'single-line' },
  },
];

describe('variable grid rows', () => {
  it('round-trips a stored set: a kept secret goes back as {set: true}, empty scope lists dropped', () => {
    const doc = toDocument(toRows(STORED));
    assert.deepEqual(doc, [
      { id: 'v1', name: 'Colour', type: 'text', value: 'blue', description: '', scope: {} },
      {
        id: 'v2',
        name: 'Colour',
        type: 'text',
        value: 'green',
        description: 'prod',
        scope: { environments: ['Environments-2'] },
      },
      { id: 'v3', name: 'Db.Password', type: 'sensitive', value: { set: true }, description: '', scope: {} },
      {
        id: 'v4',
        name: 'Approver',
        type: 'text',
        value: '',
        description: '',
        scope: {},
        prompt: { label: 'Who?', required: true, control: 'single-line' },
      },
    ]);
    assert.equal(isDirty(toRows(STORED), STORED), false);
  });

  it('sends a typed replacement of a secret, and a new row without an id', () => {
    const rows = toRows(STORED);
    rows[2] = { ...rows[2]!, value: 'hunter22' };
    rows.push({ ...newRow('Colour'), value: 'red', scope: { environments: ['Dev'] } });
    const doc = toDocument(rows);
    assert.equal(doc[2]?.value, 'hunter22');
    assert.deepEqual(doc[4], {
      name: 'Colour',
      type: 'text',
      value: 'red',
      description: '',
      scope: { environments: ['Dev'] },
    });
    assert.equal(isDirty(rows, STORED), true);
  });

  it('a text row turned sensitive sends its value; a select prompt keeps its options', () => {
    const rows = toRows(STORED);
    rows[0] = { ...rows[0]!, type: 'sensitive' };
    rows[3] = {
      ...rows[3]!,
      prompt: { label: 'Who?', required: false, control: 'select', options: { a: 'Alice' } },
    };
    const doc = toDocument(rows);
    assert.equal(doc[0]?.value, 'blue');
    assert.deepEqual(doc[3]?.prompt, {
      label: 'Who?',
      required: false,
      control: 'select',
      options: { a: 'Alice' },
    });
  });

  it('summarizes a scope with names', () => {
    assert.equal(scopeSummary({}), 'Unscoped');
    assert.equal(
      scopeSummary({ roles: ['web'], environments: ['E1', 'E2'] }, (d, v) =>
        d === 'environments' ? `env ${v}` : v,
      ),
      'Environments: env E1, env E2 · Roles: web',
    );
  });

  it('files the API issues under the row and field they name', () => {
    const errors = rowErrors([
      'variables[1].name: name must not be empty',
      'variables[2].value: a sensitive variable needs a value; send it, or remove the variable instead',
      'variables[2].scope.environments[0]: there is no environment "Nope"',
      'variables[3]: something about the row',
      'variables: a variable set holds at most 20000 variables',
    ]);
    assert.equal(errors.get(1)?.name, 'name must not be empty');
    assert.match(errors.get(2)?.value ?? '', /needs a value/);
    assert.match(errors.get(2)?.scope ?? '', /Nope/);
    assert.equal(errors.get(3)?.[''], 'something about the row');
    assert.match(errors.get(-1)?.[''] ?? '', /at most/);
  });

  it('parses lists and select options', () => {
    assert.deepEqual(splitList(' web, worker ,,'), ['web', 'worker']);
    const options = parseOptions('a=Alice\nb\n\n c = Carol ');
    assert.deepEqual(options, { a: 'Alice', b: 'b', c: 'Carol' });
    assert.equal(formatOptions(options), 'a=Alice\nb\nc=Carol');
  });
});
