import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldErrors, splitIssue } from './field-errors.js';

describe('fieldErrors', () => {
  it('splits an issue into its path and message', () => {
    assert.deepEqual(splitIssue('release.notes: notes must be at most 100000 characters'), {
      path: 'release.notes',
      message: 'notes must be at most 100000 characters',
    });
    assert.deepEqual(splitIssue('process.steps[2].name: required'), {
      path: 'process.steps[2].name',
      message: 'required',
    });
    assert.deepEqual(splitIssue('Something went wrong: try again'), {
      path: '',
      message: 'Something went wrong: try again',
    });
  });

  it('keys issues by the path below the root and keeps the first per field', () => {
    assert.deepEqual(
      fieldErrors(
        ['release.notes: too long', 'release.notes: second', 'release.channel: unknown', 'other.x: nope'],
        'release',
      ),
      { notes: 'too long', channel: 'unknown', '': 'other.x: nope' },
    );
    assert.deepEqual(fieldErrors(['process.steps[0].name: required'], 'process'), {
      'steps[0].name': 'required',
    });
  });

  it('matches the roots of kinds with a dash in their name (tag-set, aws-account)', () => {
    assert.deepEqual(fieldErrors(['tag-set.name: name must not be empty'], 'tag-set'), {
      name: 'name must not be empty',
    });
  });
});
