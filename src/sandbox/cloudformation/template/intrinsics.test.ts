import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../../errors.js';
import type { ParsedTemplate } from '../contracts.js';
import { templateEngine, type TemplateScope } from './index.js';

function assertValidationError(run: () => unknown, message: string): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof AwsError, String(e));
    assert.equal(e.code, 'ValidationError');
    assert.equal(e.message, message);
    return true;
  });
}

const template = templateEngine.parse(
  JSON.stringify({
    Transform: 'AWS::LanguageExtensions',
    Mappings: { Regions: { 'eu-west-1': { Ami: 'ami-1', Zones: ['a', 'b'] } } },
    Resources: { Bucket: { Type: 'AWS::S3::Bucket' } },
  }),
);

function scope(
  over: Partial<TemplateScope> = {},
  t: Pick<ParsedTemplate, 'mappings' | 'transforms'> = template,
): TemplateScope {
  return {
    parameters: { Env: 'prod', Subnets: ['s-1', 's-2'], Count: '2' },
    pseudo: {
      accountId: '123456789012',
      region: 'eu-west-1',
      stackName: 'app',
      stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/app/uuid',
      notificationArns: [],
    },
    conditions: { IsProd: true, IsDev: false },
    refOf: (id) => (id === 'Bucket' ? 'app-bucket-1' : undefined),
    attributeOf: (id, attribute) => {
      if (id === 'Bucket' && attribute === 'Arn') return 'arn:aws:s3:::app-bucket-1';
      throw new AwsError(
        'ValidationError',
        `Template error: resource ${id} does not support attribute type ${attribute} in Fn::GetAtt`,
      );
    },
    importValue: (name) => `imported-${name}`,
    template: t,
    ...over,
  };
}

const ev = (value: unknown, s: TemplateScope = scope()) => templateEngine.evaluate(value, s);

describe('template intrinsics: values', () => {
  const cases: [string, unknown, unknown][] = [
    ['Ref parameter', { Ref: 'Env' }, 'prod'],
    ['Ref list parameter', { Ref: 'Subnets' }, ['s-1', 's-2']],
    ['Ref resource', { Ref: 'Bucket' }, 'app-bucket-1'],
    ['Ref AWS::Partition', { Ref: 'AWS::Partition' }, 'aws'],
    ['Ref AWS::URLSuffix', { Ref: 'AWS::URLSuffix' }, 'amazonaws.com'],
    ['Ref AWS::AccountId', { Ref: 'AWS::AccountId' }, '123456789012'],
    ['GetAtt list form', { 'Fn::GetAtt': ['Bucket', 'Arn'] }, 'arn:aws:s3:::app-bucket-1'],
    ['GetAtt string form', { 'Fn::GetAtt': 'Bucket.Arn' }, 'arn:aws:s3:::app-bucket-1'],
    [
      'GetAtt with a computed attribute',
      { 'Fn::GetAtt': ['Bucket', { 'Fn::Join': ['', ['A', 'rn']] }] },
      'arn:aws:s3:::app-bucket-1',
    ],
    [
      'Sub string form',
      { 'Fn::Sub': '${AWS::StackName}-${Env}-${Bucket}-${Bucket.Arn}-${!Literal}-${Count}' },
      'app-prod-app-bucket-1-arn:aws:s3:::app-bucket-1-${Literal}-2',
    ],
    [
      'Sub with a variable map',
      { 'Fn::Sub': ['${Name}.${AWS::Region}', { Name: { Ref: 'Env' } }] },
      'prod.eu-west-1',
    ],
    ['Join', { 'Fn::Join': [':', ['a', { Ref: 'Env' }, 3]] }, 'a:prod:3'],
    ['Join of a list function', { 'Fn::Join': [',', { Ref: 'Subnets' }] }, 's-1,s-2'],
    ['Select with a numeric string index', { 'Fn::Select': ['1', { Ref: 'Subnets' }] }, 's-2'],
    ['Select from GetAZs', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, 'eu-west-1a'],
    ['Split', { 'Fn::Split': [',', 'a,b,,c'] }, ['a', 'b', '', 'c']],
    ['If true', { 'Fn::If': ['IsProd', 'big', 'small'] }, 'big'],
    ['If false', { 'Fn::If': ['IsDev', 'big', 'small'] }, 'small'],
    ['FindInMap', { 'Fn::FindInMap': ['Regions', { Ref: 'AWS::Region' }, 'Ami'] }, 'ami-1'],
    ['FindInMap of a list', { 'Fn::FindInMap': ['Regions', 'eu-west-1', 'Zones'] }, ['a', 'b']],
    [
      'FindInMap DefaultValue',
      { 'Fn::FindInMap': ['Regions', 'us-east-1', 'Ami', { DefaultValue: 'ami-0' }] },
      'ami-0',
    ],
    ['Base64', { 'Fn::Base64': { 'Fn::Sub': '${Env}!' } }, Buffer.from('prod!').toString('base64')],
    ['GetAZs of a region', { 'Fn::GetAZs': 'us-east-2' }, ['us-east-2a', 'us-east-2b', 'us-east-2c']],
    ['ImportValue', { 'Fn::ImportValue': { 'Fn::Sub': '${Env}-vpc' } }, 'imported-prod-vpc'],
    ['Length', { 'Fn::Length': { Ref: 'Subnets' } }, 2],
    ['ToJsonString', { 'Fn::ToJsonString': { a: [1, { Ref: 'Env' }] } }, '{"a":[1,"prod"]}'],
    ['Equals compares as strings', { 'Fn::Equals': [{ Ref: 'Count' }, 2] }, true],
    [
      'plain data stays as is',
      { Tags: [{ Key: 'k', Value: 1 }], On: true },
      { Tags: [{ Key: 'k', Value: 1 }], On: true },
    ],
  ];
  for (const [name, value, expected] of cases) it(name, () => assert.deepEqual(ev(value), expected));
});

describe('template intrinsics: AWS::NoValue', () => {
  it('removes the property, the list element, and yields undefined at the top', () => {
    const value = {
      Keep: 'k',
      Drop: { 'Fn::If': ['IsDev', 'x', { Ref: 'AWS::NoValue' }] },
      List: ['a', { 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, 'b'] }, 'c'],
      Nested: { Inner: { Ref: 'AWS::NoValue' } },
    };
    assert.deepEqual(ev(value), { Keep: 'k', List: ['a', 'c'], Nested: {} });
    assert.equal(ev({ Ref: 'AWS::NoValue' }), undefined);
  });
});

describe('template intrinsics: Fn::Cidr', () => {
  const cases: [string, unknown[], string[]][] = [
    ['IPv4 /24s from a /16', ['10.0.0.0/16', 3, 8], ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24']],
    ['IPv4 from a host address', ['192.168.1.77/24', 2, '6'], ['192.168.1.0/26', '192.168.1.64/26']],
    ['IPv4 /28s', ['10.0.0.0/24', 2, 4], ['10.0.0.0/28', '10.0.0.16/28']],
    ['IPv6 /64s from a /56', ['2001:db8:0:100::/56', 2, 64], ['2001:db8:0:100::/64', '2001:db8:0:101::/64']],
  ];
  for (const [name, args, expected] of cases)
    it(name, () => assert.deepEqual(ev({ 'Fn::Cidr': args }), expected));

  it('refuses more subnets than the block holds', () => {
    assert.throws(() => ev({ 'Fn::Cidr': ['10.0.0.0/24', 5, 6] }), /Fn::Cidr/);
  });
});

describe('template intrinsics: errors', () => {
  const cases: [string, unknown, string][] = [
    [
      'Select out of range',
      { 'Fn::Select': [5, ['a']] },
      'Template error: Fn::Select cannot select nonexistent value at index 5',
    ],
    [
      'Select arity',
      { 'Fn::Select': [0] },
      'Template error: Fn::Select requires a list argument with two elements: an integer index and a list',
    ],
    [
      'Split arity',
      { 'Fn::Split': [','] },
      'Template error: every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.',
    ],
    [
      'Join of a non-list',
      { 'Fn::Join': [',', 'a'] },
      'Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.',
    ],
    [
      'FindInMap miss',
      { 'Fn::FindInMap': ['Regions', 'us-east-1', 'Ami'] },
      'Template error: Unable to get mapping for Regions::us-east-1::Ami',
    ],
    [
      'If with an unknown condition',
      { 'Fn::If': ['Nope', 'a', 'b'] },
      'Template error: unresolved condition dependency Nope in Fn::If',
    ],
    [
      'GetAtt of an attribute the type lacks',
      { 'Fn::GetAtt': ['Bucket', 'Nope'] },
      'Template error: resource Bucket does not support attribute type Nope in Fn::GetAtt',
    ],
  ];
  for (const [name, value, message] of cases) it(name, () => assertValidationError(() => ev(value), message));

  it('refuses Fn::Length when the template does not declare AWS::LanguageExtensions', () => {
    const plain = scope({}, { mappings: {}, transforms: [] });
    assert.throws(() => ev({ 'Fn::Length': [1] }, plain), /Encountered unsupported function: Fn::Length/);
  });
});

describe('template conditions', () => {
  const t = templateEngine.parse(
    JSON.stringify({
      Parameters: { Env: { Type: 'String' }, Count: { Type: 'Number', Default: 2 } },
      Mappings: { Sizes: { prod: { Big: 'yes' } } },
      Conditions: {
        IsProdAndBig: { 'Fn::And': [{ Condition: 'IsProd' }, { Condition: 'IsBig' }] },
        IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
        IsBig: { 'Fn::Equals': [{ 'Fn::FindInMap': ['Sizes', { Ref: 'Env' }, 'Big'] }, 'yes'] },
        NotProd: { 'Fn::Not': [{ Condition: 'IsProd' }] },
        AnyOf: {
          'Fn::Or': [
            { 'Fn::Equals': [{ Ref: 'Count' }, 3] },
            { Condition: 'NotProd' },
            { Condition: 'IsBig' },
          ],
        },
      },
      Resources: { A: { Type: 'AWS::S3::Bucket' } },
    }),
  );
  const { conditions: _c, template: _t, ...base } = scope();

  it('evaluates Equals, Not, And, Or and Condition references in any order', () => {
    const values = templateEngine.evaluateConditions(t, { ...base, parameters: { Env: 'prod', Count: '2' } });
    assert.deepEqual(values, { IsProdAndBig: true, IsProd: true, IsBig: true, NotProd: false, AnyOf: true });
  });

  it('reports circular conditions', () => {
    const circular = templateEngine.parse(
      JSON.stringify({
        Conditions: { A: { 'Fn::Not': [{ Condition: 'B' }] }, B: { 'Fn::Not': [{ Condition: 'A' }] } },
        Resources: { R: { Type: 'AWS::S3::Bucket' } },
      }),
    );
    assertValidationError(
      () => templateEngine.evaluateConditions(circular, base),
      'Template error: Found circular condition dependency: [A, B]',
    );
  });

  it('reports And/Or arity as AWS does', () => {
    const body = JSON.stringify({
      Conditions: { A: { 'Fn::Or': [{ 'Fn::Equals': ['a', 'a'] }] } },
      Resources: { R: { Type: 'AWS::S3::Bucket' } },
    });
    assertValidationError(
      () => templateEngine.parse(body),
      'Template error: every Fn::Or object requires a list of at least 2 and at most 10 boolean parameters.',
    );
  });
});
