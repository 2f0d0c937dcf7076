import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInput } from '../parse.js';
import { EXAMPLES } from '../../../../test/kits/model-examples.js';
import { projectKind } from './project.js';
import { badRows, itRejects } from '../../../../test/kits/model-schema.js';

const base = EXAMPLES.project;

describe('project: invalid documents', () => {
  itRejects(
    it,
    projectKind,
    badRows('project', base, [
      ['a name with a control character', ['name'], 'we\u0007b', 'name must not contain control characters'],
      ['a slug with capitals', ['slug'], 'Web', 'slug must be lower-case letters and digits'],
      ['a slug with a double dash', ['slug'], 'web--shop', 'slug must be lower-case'],
      ['a slug ending in a dash', ['slug'], 'web-', 'slug must be lower-case'],
      ['a slug longer than 100', ['slug'], 'a'.repeat(101), 'slug must be at most 100 characters'],
      ['an empty group', ['group'], '', 'group must not be empty'],
      ['a missing lifecycle', ['lifecycle'], undefined, 'lifecycle is required'],
      ['an empty lifecycle', ['lifecycle'], '', 'lifecycle must not be empty'],
      [
        'an unknown tenanted mode',
        ['tenantedMode'],
        'mixed',
        'tenantedMode must be one of "untenanted", "tenanted", "both"',
      ],
      ['library sets not a list', ['librarySets'], 'Common', 'librarySets must be a list'],
      [
        'a library set twice',
        ['librarySets'],
        ['Common', 'COMMON'],
        'library set "COMMON" appears twice',
        ['librarySets', 1],
      ],
      ['an empty version template', ['versionTemplate'], '', 'versionTemplate must not be empty'],
      [
        'a version template that does not parse',
        ['versionTemplate'],
        '#{Octopus.Version.NextMajor',
        'versionTemplate is not a valid template',
      ],
      ['a non-boolean guidedFailure', ['guidedFailure'], 'no', 'guidedFailure must be true or false'],
      ['a non-boolean disabled', ['disabled'], 1, 'disabled must be true or false'],
      ['a template with a bad type', ['templates', 0, 'type'], 'json', 'type must be one of'],
      [
        'duplicate template names',
        ['templates', 1, 'name'],
        'COLOUR',
        'template name "COLOUR" appears twice',
      ],
      ['an unknown field', ['process'], {}, 'unknown field "process" in a project', []],
    ]),
  );
});

describe('project: accepts', () => {
  it('a slug, a group, a version mask and no library sets', () => {
    const doc = parseInput(
      projectKind.schema,
      {
        name: 'Web shop',
        slug: 'web-shop-2',
        group: 'Shops',
        lifecycle: 'Lifecycles-1',
        versionTemplate: '1.2.i',
      },
      'project',
    );
    assert.equal(doc.slug, 'web-shop-2');
    assert.deepEqual(doc.librarySets, []);
    assert.equal(doc.tenantedMode, 'untenanted');
  });

  it('derives no slug', () => {
    assert.equal(parseInput(projectKind.schema, EXAMPLES.project, 'project').slug, undefined);
  });
});
