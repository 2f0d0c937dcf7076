import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInput } from '../parse.js';
import { EXAMPLES } from '../../../../test/kits/model-examples.js';
import { librarySetKind } from './library-set.js';
import { badRows, itRejects } from '../../../../test/kits/model-schema.js';

const base = EXAMPLES['library-set'];
const select = { name: 'Size', type: 'select', options: { s: 'Small', l: 'Large' }, defaultValue: 'l' };

describe('variable templates (library sets and projects): invalid documents', () => {
  itRejects(
    it,
    librarySetKind,
    badRows('library-set', base, [
      ['templates that are not a list', ['templates'], 'Region', 'templates must be a list'],
      [
        'a template name longer than 500',
        ['templates', 0, 'name'],
        'x'.repeat(501),
        'name must be at most 500',
      ],
      ['a non-string label', ['templates', 0, 'label'], 3, 'label must be a string'],
      ['a non-string helpText', ['templates', 0, 'helpText'], true, 'helpText must be a string'],
      [
        'an unknown type',
        ['templates', 0, 'type'],
        'number',
        'type must be one of "text", "sensitive", "select"',
      ],
      ['a non-string default', ['templates', 0, 'defaultValue'], 3, 'defaultValue must be a string'],
      [
        'an unknown field',
        ['templates', 0, 'required'],
        true,
        'unknown field "required" in a variable template',
        ['templates', 0],
      ],
      [
        'a default value on a sensitive template',
        ['templates', 0],
        { name: 'Token', type: 'sensitive', defaultValue: 'x' },
        'a sensitive template has no defaultValue',
        ['templates', 0, 'defaultValue'],
      ],
      [
        'options on a text template',
        ['templates', 0],
        { name: 'Colour', options: { a: 'A' } },
        'options are only for type "select"',
        ['templates', 0, 'options'],
      ],
      [
        'a select template without options',
        ['templates', 0],
        { name: 'Size', type: 'select' },
        'a "select" template needs at least one option',
        ['templates', 0, 'options'],
      ],
      [
        'a select template with empty options',
        ['templates', 0],
        { name: 'Size', type: 'select', options: {} },
        'a "select" template needs at least one option',
        ['templates', 0, 'options'],
      ],
      [
        'a select default that is not an option',
        ['templates', 0],
        { ...select, defaultValue: 'm' },
        'defaultValue must be one of the options: "s", "l"',
        ['templates', 0, 'defaultValue'],
      ],
      [
        'option texts that are not strings',
        ['templates', 0],
        { ...select, options: { s: 1 } },
        'each option must map',
        ['templates', 0, 'options', 's'],
      ],
      [
        'two templates with the same name ignoring case',
        ['templates', 1],
        { name: 'region' },
        'template name "region" appears twice',
        ['templates', 1, 'name'],
      ],
    ]),
  );
});

describe('variable templates: accepts', () => {
  it('a select template with a default among its options, and a sensitive one without default', () => {
    const doc = parseInput(
      librarySetKind.schema,
      { name: 'S', templates: [select, { name: 'Token', type: 'sensitive', helpText: 'the API token' }] },
      'library-set',
    );
    assert.deepEqual(doc.templates[0], select);
    assert.equal(doc.templates[1]?.type, 'sensitive');
  });
});
