import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderValues } from './render-values.js';

describe('renderValues', () => {
  it('renders values that hold #{...} with the step’s variables, recursively, each on its own', () => {
    const variables = {
      values: {
        'Octopus.Environment.Name': 'Dev',
        Host: 'db-#{Octopus.Environment.Name | ToLower}',
        Url: 'postgres://#{Host}:5432',
        Plain: 'no template',
        Broken: '#{Missing} and #{Host}',
        Bad: '#{unclosed',
        A: '#{B}',
        B: '#{A}',
      },
      sensitive: [],
    };
    const out = renderValues(['Host', 'Url', 'Plain', 'Broken', 'Bad', 'A', 'Nope'], variables);
    assert.deepEqual(out['Host'], { output: 'db-dev', missing: [] });
    assert.deepEqual(out['Url'], { output: 'postgres://db-dev:5432', missing: [] });
    assert.equal(out['Plain'], undefined, 'nothing to render');
    assert.equal(out['Nope'], undefined, 'no such variable');
    assert.deepEqual(out['Broken']?.missing, ['#{Missing}']);
    assert.match(out['Broken']?.output ?? '', /and db-dev$/);
    assert.match(out['Bad']?.problem ?? '', /not a valid #\{\.\.\.\} template/);
    assert.match(out['A']?.problem ?? '', /A → B → A|cycle/i);
  });

  it('adds values computed from a secret to the sensitive list, for the caller to mask', () => {
    const variables = {
      values: { Password: 'hunter2', Conn: 'user:#{Password | ToUpper}' },
      sensitive: ['hunter2'],
    };
    const out = renderValues(['Conn'], variables);
    assert.equal(out['Conn']?.output, 'user:HUNTER2');
    assert.ok(variables.sensitive.includes('HUNTER2'), variables.sensitive.join(','));
  });

  it('keeps a variable named __proto__ a name', () => {
    const out = renderValues(['__proto__'], { values: { ['__proto__']: '#{X}', X: 'x' }, sensitive: [] });
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
  });
});
