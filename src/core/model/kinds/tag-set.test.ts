import { describe, it } from 'node:test';
import { EXAMPLES } from '../../../../test/kits/model-examples.js';
import { badRows, itRejects } from '../../../../test/kits/model-schema.js';
import { tagSetKind } from './tag-set.js';

const base = EXAMPLES['tag-set'];

describe('tag-set: invalid documents', () => {
  itRejects(
    it,
    tagSetKind,
    badRows('tag-set', base, [
      ['a name with "/"', ['name'], 'Tier/1', 'name must not contain "/"'],
      ['a name over 100', ['name'], 't'.repeat(101), 'name must be at most 100 characters'],
      ['tags not a list', ['tags'], 'Gold', 'tags must be a list'],
      ['a tag name with "/"', ['tags', 0, 'name'], 'Go/ld', 'tag name must not contain "/"'],
      ['a bad colour', ['tags', 0, 'color'], 'gold', 'color must be written #RRGGBB'],
      ['a duplicate tag ignoring case', ['tags', 1, 'name'], 'GOLD', 'duplicate tag "GOLD"'],
      ['an unknown tag field', ['tags', 0, 'order'], 1, 'unknown field "order" in a tag', ['tags', 0]],
    ]),
  );
});
