import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../../errors.js';
import { templateEngine } from './index.js';

function assertValidationError(run: () => unknown, message: string): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof AwsError, String(e));
    assert.equal(e.code, 'ValidationError');
    assert.equal(e.message, message);
    return true;
  });
}

const parse = (doc: unknown) => templateEngine.parse(JSON.stringify(doc));
const bucket = (Properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::S3::Bucket',
  Properties,
  ...extra,
});

describe('template dependencies', () => {
  it('follows DependsOn, Ref, GetAtt and Sub (not literals, pseudo parameters or parameters)', () => {
    const t = parse({
      Parameters: { P: { Type: 'String', Default: 'p' } },
      Resources: {
        A: bucket(),
        B: bucket({ N: { Ref: 'A' } }),
        C: bucket({ N: { 'Fn::GetAtt': 'B.Arn' } }, { DependsOn: 'A' }),
        D: bucket({ N: { 'Fn::Sub': '${C}-${B.Arn}-${!A}-${AWS::Region}-${P}' } }),
        E: bucket({ N: { 'Fn::Sub': ['${A}', { A: 'literal' }] } }),
        F: bucket({}, { Metadata: { Uses: { Ref: 'E' } } }),
      },
    });
    assert.deepEqual(templateEngine.dependencies(t, {}), {
      A: [],
      B: ['A'],
      C: ['A', 'B'],
      D: ['C', 'B'],
      E: [],
      F: ['E'],
    });
  });

  it('leaves out resources whose condition is false, and follows only the Fn::If branch taken', () => {
    const t = parse({
      Parameters: { Env: { Type: 'String' } },
      Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
      Resources: {
        Extra: bucket({}, { Condition: 'IsProd' }),
        Main: bucket({ N: { 'Fn::If': ['IsProd', { Ref: 'Extra' }, { Ref: 'AWS::NoValue' }] } }),
      },
      Outputs: { O: { Condition: 'IsProd', Value: { Ref: 'Extra' } } },
    });
    assert.deepEqual(templateEngine.dependencies(t, { IsProd: false }), { Main: [] });
    assert.deepEqual(templateEngine.dependencies(t, { IsProd: true }), { Extra: [], Main: ['Extra'] });
  });

  it('refuses references to a resource whose condition is false', () => {
    const t = parse({
      Parameters: { Env: { Type: 'String' } },
      Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
      Resources: { Extra: bucket({}, { Condition: 'IsProd' }), Main: bucket({ N: { Ref: 'Extra' } }) },
      Outputs: { O: { Value: { Ref: 'Extra' } } },
    });
    assertValidationError(
      () => templateEngine.dependencies(t, { IsProd: false }),
      'Template format error: Unresolved resource dependencies [Extra] in the Resources block of the template',
    );
  });

  it('refuses outputs that refer to a resource whose condition is false', () => {
    const t = parse({
      Parameters: { Env: { Type: 'String' } },
      Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
      Resources: { Extra: bucket({}, { Condition: 'IsProd' }), Main: bucket() },
      Outputs: { O: { Value: { 'Fn::GetAtt': ['Extra', 'Arn'] } } },
    });
    assertValidationError(
      () => templateEngine.dependencies(t, { IsProd: false }),
      'Template format error: Unresolved resource dependencies [Extra] in the Outputs block of the template',
    );
  });

  const cycles: [string, Record<string, unknown>, string][] = [
    [
      'two resources',
      { B: bucket({ N: { Ref: 'A' } }), A: bucket({ N: { 'Fn::GetAtt': ['B', 'Arn'] } }) },
      'Circular dependency between resources: [A, B]',
    ],
    [
      'through Sub and DependsOn',
      {
        Z: bucket({ N: { 'Fn::Sub': '${X.Arn}' } }),
        X: bucket({}, { DependsOn: ['Y'] }),
        Y: bucket({ N: { Ref: 'Z' } }),
        Free: bucket({ N: { Ref: 'X' } }),
      },
      'Circular dependency between resources: [X, Y, Z]',
    ],
    ['itself', { A: bucket({ N: { Ref: 'A' } }) }, 'Circular dependency between resources: [A]'],
  ];
  for (const [name, Resources, message] of cycles) {
    it(`reports a cycle: ${name}`, () =>
      assertValidationError(() => templateEngine.dependencies(parse({ Resources }), {}), message));
  }
});

describe('template summary', () => {
  const cases: [string, Record<string, unknown>, string[], string | undefined][] = [
    ['no IAM', { Resources: { B: bucket() } }, [], undefined],
    [
      'an unnamed role',
      { Resources: { R: { Type: 'AWS::IAM::Role', Properties: { Path: '/' } }, B: bucket() } },
      ['CAPABILITY_IAM'],
      'The following resource(s) require capabilities: [AWS::IAM::Role]',
    ],
    [
      'a named role',
      { Resources: { R: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'x' } } } },
      ['CAPABILITY_NAMED_IAM'],
      'The following resource(s) require capabilities: [AWS::IAM::Role]',
    ],
    [
      'an inline policy and a named user',
      {
        Resources: {
          P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p' } },
          U: { Type: 'AWS::IAM::User', Properties: { UserName: 'u' } },
        },
      },
      ['CAPABILITY_NAMED_IAM'],
      'The following resource(s) require capabilities: [AWS::IAM::Policy, AWS::IAM::User]',
    ],
    [
      'a transform',
      { Transform: 'AWS::Serverless-2016-10-31', Resources: { B: bucket() } },
      ['CAPABILITY_AUTO_EXPAND'],
      'The following transforms require capabilities: [AWS::Serverless-2016-10-31]',
    ],
  ];
  for (const [name, doc, capabilities, reason] of cases) {
    it(`capabilities: ${name}`, () => {
      const summary = templateEngine.summarise(parse(doc));
      assert.deepEqual(summary.capabilities, capabilities);
      assert.equal(summary.capabilitiesReason, reason);
    });
  }

  it('lists parameters in template order and resource types sorted, once each', () => {
    const summary = templateEngine.summarise(
      parse({
        Parameters: {
          Zeta: { Type: 'String', NoEcho: true, Description: 'secret' },
          Alpha: { Type: 'Number', Default: 1 },
        },
        Resources: { L: { Type: 'AWS::Logs::LogGroup' }, B: bucket(), C: bucket() },
      }),
    );
    assert.deepEqual(summary.parameters, [
      { key: 'Zeta', parameter: { type: 'String', noEcho: true, description: 'secret' } },
      { key: 'Alpha', parameter: { type: 'Number', default: '1', noEcho: false } },
    ]);
    assert.deepEqual(summary.resourceTypes, ['AWS::Logs::LogGroup', 'AWS::S3::Bucket']);
  });
});
