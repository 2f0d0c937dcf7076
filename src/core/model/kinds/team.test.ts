import { describe, it } from 'node:test';
import { EXAMPLES } from '../../../../test/kits/model-examples.js';
import { badRows, itRejects } from '../../../../test/kits/model-schema.js';
import { teamKind } from './team.js';

const base = EXAMPLES.team;

describe('team: invalid documents', () => {
  itRejects(
    it,
    teamKind,
    badRows('team', base, [
      ['members not a list', ['members'], 'alice', 'members must be a list'],
      ['an empty member', ['members', 0], '', 'each of members must not be empty'],
      ['a member twice', ['members', 1], 'ALICE', 'reference "ALICE" appears twice'],
      ['grants not a list', ['grants'], {}, 'grants must be a list'],
      [
        'an unknown role',
        ['grants', 0, 'role'],
        'owner',
        'role must be one of "administrator", "project-contributor", "deployer", "viewer"',
      ],
      ['a grant without role', ['grants', 0, 'role'], undefined, 'role must be one of'],
      ['grant projects not a list', ['grants', 0, 'projects'], 'web', 'projects must be a list'],
      [
        'an empty grant environment',
        ['grants', 0, 'environments', 0],
        '',
        'each of environments must not be empty',
      ],
      [
        'a grant tenant that is not a string',
        ['grants', 0, 'tenants'],
        [1],
        'each of tenants must be a string',
        ['grants', 0, 'tenants', 0],
      ],
      [
        'an unknown grant field',
        ['grants', 0, 'permissions'],
        [],
        'unknown field "permissions" in a grant',
        ['grants', 0],
      ],
    ]),
  );
});
