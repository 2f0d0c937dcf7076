import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { z } from 'zod';
import { SlipwayError } from '../errors.js';
import {
  parseDeploymentContext,
  parseScopedVariables,
  type deploymentContextSchema,
  type scopedVariableSchema,
} from './schema.js';
import { FULL, library, variable } from '../../../test/kits/variables.js';
import type { DeploymentContext, ScopedVariable } from './types.js';

// Type-level: every ScopedVariable / DeploymentContext is acceptable input to its schema.
const _variableInput: z.input<typeof scopedVariableSchema> = variable('1', 'X', 'x') satisfies ScopedVariable;
const _contextInput: z.input<typeof deploymentContextSchema> = FULL satisfies DeploymentContext;

const OK = { id: 'v1', name: 'Db.Host', value: 'db', type: 'text', source: { kind: 'project' } };

/** The message of the INVALID_INPUT error that `f` throws. */
function failure(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof SlipwayError);
    assert.equal(e.code, 'INVALID_INPUT');
    return e.message;
  }
  assert.fail('expected INVALID_INPUT');
}

describe('parseScopedVariables: accepts', () => {
  it('a minimal variable, filling an empty scope', () => {
    assert.deepEqual(parseScopedVariables([OK]), [{ ...OK, scope: {} }]);
  });

  it('a full variable unchanged', () => {
    const full: ScopedVariable = variable(
      'v2',
      'Password',
      's3cret',
      {
        environments: ['Production'],
        targets: ['ecs-1'],
        roles: ['web'],
        steps: ['deploy'],
        channels: ['Beta'],
        tenants: ['t1'],
        tenantTags: ['Region/EU'],
        processes: ['deployment'],
      },
      {
        type: 'sensitive',
        source: { ...library('lib', 0) },
        description: 'the database password',
        prompt: { label: 'Pick', required: false, control: 'select', options: { a: 'A' } },
      },
    );
    assert.deepEqual(parseScopedVariables([full]), [full]);
  });

  it('empty values and empty scope lists', () => {
    assert.equal(parseScopedVariables([{ ...OK, value: '', scope: { roles: [] } }]).length, 1);
  });
});

describe('parseScopedVariables: rejects with readable messages', () => {
  const cases: [string, unknown, string][] = [
    ['an empty name', [{ ...OK, name: '' }], 'variables[0].name: name must not be empty'],
    [
      'a padded name',
      [{ ...OK, name: ' X' }],
      'variables[0].name: name must not start or end with whitespace',
    ],
    [
      'a name with a newline',
      [{ ...OK, name: 'A\nB' }],
      'variables[0].name: name must not contain control characters',
    ],
    ['an empty id', [{ ...OK, id: '' }], 'variables[0].id: id must not be empty'],
    ['a value that is not a string', [{ ...OK, value: 5 }], 'variables[0].value: value must be a string'],
    [
      'an unknown type',
      [{ ...OK, type: 'secret' }],
      'variables[0].type: type must be one of "text", "sensitive"',
    ],
    [
      'an unknown scope key',
      [{ ...OK, scope: { environment: ['Prod'] } }],
      'variables[0].scope: unknown scope key "environment" (scope keys are "environments", "targets"',
    ],
    [
      'several unknown scope keys',
      [{ ...OK, scope: { env: [], machine: [] } }],
      'unknown scope keys "env", "machine"',
    ],
    [
      'a scope that is a list',
      [{ ...OK, scope: ['Prod'] }],
      'variables[0].scope: a scope must be an object of lists',
    ],
    [
      'a scope value that is a string',
      [{ ...OK, scope: { roles: 'web' } }],
      'variables[0].scope.roles: roles must be a list of strings',
    ],
    [
      'an empty scope value',
      [{ ...OK, scope: { roles: ['web', ''] } }],
      'variables[0].scope.roles[1]: a role must not be empty',
    ],
    [
      'a tenant tag without a set',
      [{ ...OK, scope: { tenantTags: ['Gold'] } }],
      'variables[0].scope.tenantTags[0]: a tenant tag is written "Set/Tag"',
    ],
    ['an unknown field', [{ ...OK, scopes: {} }], 'variables[0]: unknown field "scopes" in a variable'],
    [
      'an unknown source',
      [{ ...OK, source: { kind: 'tenant' } }],
      'variables[0].source.kind: source must be {"kind": "project"}',
    ],
    [
      'a library source without setId',
      [{ ...OK, source: { kind: 'library', setName: 'S' } }],
      'variables[0].source.setId: setId must be a string',
    ],
    [
      'a negative includeOrder',
      [{ ...OK, source: { ...library('s'), includeOrder: -1 } }],
      'variables[0].source.includeOrder: includeOrder must not be negative',
    ],
    [
      'a fractional includeOrder',
      [{ ...OK, source: { ...library('s'), includeOrder: 0.5 } }],
      'includeOrder must be a whole number',
    ],
    [
      'a select prompt without options',
      [{ ...OK, prompt: { label: 'L', required: true, control: 'select' } }],
      'variables[0].prompt.options: a "select" prompt needs at least one option',
    ],
    [
      'options on a non-select prompt',
      [{ ...OK, prompt: { label: 'L', required: true, control: 'checkbox', options: { a: 'A' } } }],
      'variables[0].prompt.options: options are only for control "select"',
    ],
    [
      'an unknown prompt control',
      [{ ...OK, prompt: { label: 'L', required: true, control: 'dropdown' } }],
      'variables[0].prompt.control: control must be one of "single-line"',
    ],
    [
      'a prompt without a label',
      [{ ...OK, prompt: { label: '', required: true, control: 'checkbox' } }],
      'variables[0].prompt.label: a prompt label must not be empty',
    ],
    ['duplicate ids', [OK, { ...OK, name: 'Other' }], 'variables[1].id: duplicate id "v1" (also [0])'],
    ['not a list', { ...OK }, 'variables: variables must be a list'],
  ];
  for (const [title, input, expected] of cases) {
    it(title, () => {
      const message = failure(() => parseScopedVariables(input));
      assert.ok(message.startsWith('Invalid variables: '), message);
      assert.ok(message.includes(expected), `${message}\n  should include: ${expected}`);
    });
  }

  it('lists every problem, each once, in the error data', () => {
    try {
      parseScopedVariables([
        { ...OK, name: '', type: 'x' },
        { ...OK, id: 'v2', scope: { tenantTags: [''] } },
      ]);
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof SlipwayError);
      assert.deepEqual(e.data['issues'], [
        'variables[0].name: name must not be empty',
        'variables[0].type: type must be one of "text", "sensitive", "aws-account", "certificate", "worker-pool"',
        'variables[1].scope.tenantTags[0]: a tenant tag must not be empty',
      ]);
    }
  });
});

describe('parseDeploymentContext', () => {
  it('accepts a full context unchanged and fills missing role and tag lists', () => {
    assert.deepEqual(parseDeploymentContext(FULL), FULL);
    assert.deepEqual(parseDeploymentContext({ environment: 'P', tenant: { id: 't' }, target: { id: 'x' } }), {
      environment: 'P',
      tenant: { id: 't', tags: [] },
      target: { id: 'x', roles: [] },
    });
  });

  const cases: [string, unknown, string][] = [
    ['no environment', {}, 'context.environment: environment must be a string'],
    ['an empty environment', { environment: '' }, 'context.environment: environment must not be empty'],
    [
      'an unknown field',
      { environment: 'P', tenantId: 't' },
      'context: unknown field "tenantId" in a deployment context',
    ],
    [
      'a misspelt target field',
      { environment: 'P', target: { id: 'x', role: ['web'] } },
      'context.target: unknown field "role" in the target',
    ],
    [
      'a tenant tag without a set',
      { environment: 'P', tenant: { id: 't', tags: ['Gold'] } },
      'context.tenant.tags[0]: a tenant tag is written "Set/Tag"',
    ],
    ['not an object', 'Production', 'context: a deployment context must be an object'],
  ];
  for (const [title, input, expected] of cases) {
    it(`rejects ${title}`, () => {
      const message = failure(() => parseDeploymentContext(input));
      assert.ok(message.includes(expected), `${message}\n  should include: ${expected}`);
    });
  }
});
