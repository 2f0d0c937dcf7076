import { describe, it } from 'node:test';
import { EXAMPLES } from '../../../../test/kits/model-examples.js';
import { badRows, itRejects } from '../../../../test/kits/model-schema.js';
import { tenantKind } from './tenant.js';

const base = EXAMPLES.tenant;

describe('tenant: invalid documents', () => {
  itRejects(
    it,
    tenantKind,
    badRows('tenant', base, [
      ['a name longer than 200', ['name'], 'n'.repeat(201), 'name must be at most 200 characters'],
      ['tags not a list', ['tags'], 'Tier/Gold', 'tags must be a list of "Set/Tag" strings'],
      ['a tag without a set', ['tags', 0], 'Gold', 'a tenant tag is written "Set/Tag"'],
      ['a tag with two slashes', ['tags', 0], 'A/B/C', 'a tenant tag is written "Set/Tag"'],
      ['a duplicate tag', ['tags', 1], 'TIER/GOLD', 'tag "TIER/GOLD" appears twice'],
      ['projects not a list', ['projects'], 'web', 'projects must be a list'],
      ['a connection without project', ['projects', 0, 'project'], undefined, 'project is required'],
      [
        'a connection without environments',
        ['projects', 0, 'environments'],
        undefined,
        'environments is required',
      ],
      [
        'a connection with no environment',
        ['projects', 0, 'environments'],
        [],
        'environments must name at least one environment',
      ],
      [
        'a connection with an environment twice',
        ['projects', 0, 'environments', 1],
        'dev',
        'reference "dev" appears twice',
      ],
      [
        'an unknown connection field',
        ['projects', 0, 'channels'],
        [],
        'unknown field "channels" in a project connection',
        ['projects', 0],
      ],
      [
        'a project connected twice',
        ['projects', 1],
        { project: 'WEB', environments: ['Dev'] },
        'project "WEB" appears twice',
        ['projects', 1, 'project'],
      ],
    ]),
  );
});
