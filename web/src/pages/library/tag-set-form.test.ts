import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyTagSetForm, formToTagSet, newTag, tagSetToForm, textColourOn } from './tag-set-form.js';

describe('tag set form', () => {
  it('round-trips a tag set, trimming names', () => {
    const set = {
      id: 'TagSets-1',
      spaceId: 'Spaces-1',
      version: 1,
      createdAt: '',
      updatedAt: '',
      name: 'Tier',
      description: 'Support tiers',
      tags: [{ name: 'Gold', color: '#aa8800', description: 'Paying most' }],
    };
    assert.deepEqual(formToTagSet(tagSetToForm(set)), {
      name: 'Tier',
      description: 'Support tiers',
      tags: set.tags,
    });
    const form = emptyTagSetForm();
    form.name = ' Region ';
    form.tags.push({ ...newTag(' EU ', 0) });
    assert.deepEqual(formToTagSet(form), {
      name: 'Region',
      description: '',
      tags: [{ name: 'EU', color: '#1f6feb', description: '' }],
    });
  });

  it('picks black or white text for a tag colour', () => {
    assert.equal(textColourOn('#ffffff'), '#000000');
    assert.equal(textColourOn('#000000'), '#ffffff');
    assert.equal(textColourOn('#1f6feb'), '#ffffff');
    assert.equal(textColourOn('#bf8700'), '#000000');
  });
});
