import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../../errors.js';
import { templateEngine } from './index.js';

/** Asserts that `run` throws ValidationError with exactly `message`. */
function assertValidationError(run: () => unknown, message: string): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof AwsError, String(e));
    assert.equal(e.code, 'ValidationError');
    assert.equal(e.message, message);
    return true;
  });
}

const json = (doc: unknown): string => JSON.stringify(doc);
const bucket = { Type: 'AWS::S3::Bucket' };

describe('template parse: structure errors', () => {
  const cases: [string, string, string][] = [
    [
      'bad JSON',
      '{\n  "Resources": {,\n}',
      'Template format error: JSON not well-formed. (line 2, column 17)',
    ],
    ['bad YAML', 'Resources:\n  A: [1,\n', 'Template format error: YAML not well-formed. (line 3, column 1)'],
    ['a scalar', '"hello"', 'Template format error: unsupported structure.'],
    [
      'no Resources',
      json({ Description: 'x' }),
      'Template format error: At least one Resources member must be defined.',
    ],
    [
      'empty Resources',
      json({ Resources: {} }),
      'Template format error: At least one Resources member must be defined.',
    ],
    [
      'no Type',
      json({ Resources: { A: { Properties: {} } } }),
      'Template format error: [/Resources/A] Every Resources object must contain a Type member.',
    ],
    [
      'non alphanumeric id',
      json({ Resources: { 'my-bad-id': bucket } }),
      'Template format error: Resource name my-bad-id is non alphanumeric.',
    ],
    [
      'unknown section',
      json({ Resources: { A: bucket }, outputs: {} }),
      'Invalid template property or properties [outputs]',
    ],
    [
      'unknown resource attribute',
      json({ Resources: { A: { ...bucket, Propertie: {} } } }),
      "Invalid template resource property 'Propertie'",
    ],
    [
      'dangling Ref',
      json({ Resources: { A: { ...bucket, Properties: { BucketName: { Ref: 'X' } } } } }),
      'Template format error: Unresolved resource dependencies [X] in the Resources block of the template',
    ],
    [
      'dangling GetAtt and Sub and DependsOn',
      json({
        Resources: {
          A: {
            ...bucket,
            DependsOn: ['D'],
            Properties: {
              N: { 'Fn::GetAtt': ['G', 'Arn'] },
              M: { 'Fn::Sub': '${S}-${T.Arn}-${!Lit}-${AWS::Region}' },
            },
          },
        },
      }),
      'Template format error: Unresolved resource dependencies [G, S, T, D] in the Resources block of the template',
    ],
    [
      'GetAtt of a parameter',
      json({
        Parameters: { P: { Type: 'String' } },
        Resources: { A: { ...bucket, Properties: { N: { 'Fn::GetAtt': 'P.Arn' } } } },
      }),
      'Template format error: Unresolved resource dependencies [P] in the Resources block of the template',
    ],
    [
      'dangling Ref in Outputs',
      json({ Resources: { A: bucket }, Outputs: { O: { Value: { Ref: 'Nope' } } } }),
      'Template format error: Unresolved resource dependencies [Nope] in the Outputs block of the template',
    ],
    [
      'GetAtt arity',
      json({ Resources: { A: { ...bucket, Properties: { N: { 'Fn::GetAtt': ['A'] } } } } }),
      'Template error: every Fn::GetAtt object requires two non-empty parameters, the resource name and the resource attribute',
    ],
    [
      'GetAtt short form without a dot',
      'Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      N: !GetAtt A\n',
      'Template error: every Fn::GetAtt object requires two non-empty parameters, the resource name and the resource attribute',
    ],
    [
      'undeclared condition in Fn::If',
      json({ Resources: { A: { ...bucket, Properties: { N: { 'Fn::If': ['C', 'a', 'b'] } } } } }),
      'Template error: unresolved condition dependency C in Fn::If',
    ],
    [
      'null output value',
      json({ Resources: { A: bucket }, Outputs: { O: { Value: null } } }),
      "[/Outputs/O/Value] 'null' values are not allowed in templates",
    ],
    [
      'null property (AWS names it under /Type/)',
      json({ Resources: { A: { ...bucket, Properties: { Tags: [null] } } } }),
      "[/Resources/A/Type/Tags/0] 'null' values are not allowed in templates",
    ],
    [
      'output without Value',
      json({ Resources: { A: bucket }, Outputs: { O: { Description: 'd' } } }),
      'Template format error: Every Outputs member must contain a Value object',
    ],
    [
      'parameter without Type',
      json({ Parameters: { P: { Default: 'x' } }, Resources: { A: bucket } }),
      'Template format error: Every Parameters object must contain a Type member.',
    ],
    [
      'parameter with an unknown Type',
      json({ Parameters: { P: { Type: 'Strin' } }, Resources: { A: bucket } }),
      'Template format error: Unrecognized parameter type: Strin',
    ],
    [
      'parameter with an unknown property',
      json({ Parameters: { P: { Type: 'String', DefaultValue: 'x' } }, Resources: { A: bucket } }),
      "Invalid template parameter property 'DefaultValue'",
    ],
    [
      'Join arity',
      json({ Resources: { A: { ...bucket, Properties: { N: { 'Fn::Join': ['-'] } } } } }),
      'Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.',
    ],
    [
      'Equals arity in Conditions',
      json({ Conditions: { C: { 'Fn::Equals': ['a'] } }, Resources: { A: bucket } }),
      'Template error: every Fn::Equals object requires a list of 2 string parameters.',
    ],
    [
      'misspelt function',
      json({ Resources: { A: { ...bucket, Properties: { N: { 'fn::GetAtt': ['A', 'Arn'] } } } } }),
      'Template Error: Encountered unsupported function: fn::GetAtt Supported functions are: [Fn::Base64, Fn::GetAtt, Fn::GetAZs, Fn::ImportValue, Fn::Join, Fn::Split, Fn::FindInMap, Fn::Select, Ref, Fn::Equals, Fn::If, Fn::Not, Condition, Fn::And, Fn::Or, Fn::Contains, Fn::EachMemberEquals, Fn::EachMemberIn, Fn::ValueOf, Fn::ValueOfAll, Fn::RefAll, Fn::Sub, Fn::Cidr]',
    ],
    [
      'Fn::Length without the LanguageExtensions transform',
      json({ Resources: { A: { ...bucket, Properties: { N: { 'Fn::Length': [1, 2] } } } } }),
      'Template Error: Encountered unsupported function: Fn::Length Supported functions are: [Fn::Base64, Fn::GetAtt, Fn::GetAZs, Fn::ImportValue, Fn::Join, Fn::Split, Fn::FindInMap, Fn::Select, Ref, Fn::Equals, Fn::If, Fn::Not, Condition, Fn::And, Fn::Or, Fn::Contains, Fn::EachMemberEquals, Fn::EachMemberIn, Fn::ValueOf, Fn::ValueOfAll, Fn::RefAll, Fn::Sub, Fn::Cidr]',
    ],
    [
      'a condition that refers to a resource',
      json({ Conditions: { C: { 'Fn::Equals': [{ Ref: 'A' }, 'x'] } }, Resources: { A: bucket } }),
      'Template format error: Unresolved dependencies [A]. Cannot reference resources in the Conditions block of the template',
    ],
  ];
  for (const [name, body, message] of cases) {
    it(name, () => assertValidationError(() => templateEngine.parse(body), message));
  }
});

describe('template parse: reading', () => {
  const yaml = `AWSTemplateFormatVersion: '2010-09-09'
Description: demo
Parameters:
  Env:
    Type: String
    Default: dev
    AllowedValues: [dev, prod]
  Count:
    Type: Number
    Default: 2
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Role:
    Type: AWS::IAM::Role
    Condition: IsProd
    DeletionPolicy: Retain
    Properties:
      Path: !Sub '/\${Env}/'
  Logs:
    Type: AWS::Logs::LogGroup
    DependsOn: Role
    Properties:
      LogGroupName: !Join ['-', [!Ref 'AWS::StackName', !GetAtt Role.Arn]]
Outputs:
  Name:
    Value: !Ref Logs
    Export:
      Name: !Sub '\${AWS::StackName}-logs'
`;
  const equivalent = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'demo',
    Parameters: {
      Env: { Type: 'String', Default: 'dev', AllowedValues: ['dev', 'prod'] },
      Count: { Type: 'Number', Default: 2 },
    },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Condition: 'IsProd',
        DeletionPolicy: 'Retain',
        Properties: { Path: { 'Fn::Sub': '/${Env}/' } },
      },
      Logs: {
        Type: 'AWS::Logs::LogGroup',
        DependsOn: 'Role',
        Properties: {
          LogGroupName: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, { 'Fn::GetAtt': ['Role', 'Arn'] }]] },
        },
      },
    },
    Outputs: { Name: { Value: { Ref: 'Logs' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-logs' } } } },
  };

  it('reads YAML short forms into the same document as the long JSON forms', () => {
    const fromYaml = templateEngine.parse(yaml);
    const fromJson = templateEngine.parse(JSON.stringify(equivalent, null, 2));
    assert.equal(fromYaml.format, 'yaml');
    assert.equal(fromJson.format, 'json');
    assert.deepEqual(fromYaml.document, equivalent);
    const { body: _a, format: _b, ...restYaml } = fromYaml;
    const { body: _c, format: _d, ...restJson } = fromJson;
    assert.deepEqual(restYaml, restJson);
    assert.equal(fromYaml.body, yaml);
  });

  it('normalises declarations', () => {
    const t = templateEngine.parse(yaml);
    assert.equal(t.description, 'demo');
    assert.deepEqual(t.parameters.Count, { type: 'Number', default: '2', noEcho: false });
    assert.deepEqual(t.resources.Logs?.dependsOn, ['Role']);
    assert.equal(t.resources.Role?.condition, 'IsProd');
    assert.equal(t.resources.Role?.deletionPolicy, 'Retain');
    assert.deepEqual(Object.keys(t.resources), ['Role', 'Logs']);
    assert.deepEqual(t.outputs.Name?.exportName, { 'Fn::Sub': '${AWS::StackName}-logs' });
    assert.deepEqual(t.transforms, []);
  });

  it('accepts AWS-specific, list and SSM parameter types', () => {
    const types = [
      'String',
      'Number',
      'List<Number>',
      'List<String>',
      'CommaDelimitedList',
      'AWS::EC2::Subnet::Id',
      'List<AWS::EC2::SecurityGroup::Id>',
      'AWS::SSM::Parameter::Name',
      'AWS::SSM::Parameter::Value<String>',
      'AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>',
    ];
    const Parameters = Object.fromEntries(types.map((Type, i) => [`P${i}`, { Type }]));
    const t = templateEngine.parse(json({ Parameters, Resources: { A: bucket } }));
    assert.deepEqual(
      Object.values(t.parameters).map((p) => p.type),
      types,
    );
  });

  it('accepts Fn::Length and Fn::ToJsonString with AWS::LanguageExtensions', () => {
    const t = templateEngine.parse(
      json({
        Transform: 'AWS::LanguageExtensions',
        Resources: {
          A: { ...bucket, Properties: { N: { 'Fn::Length': [1] }, M: { 'Fn::ToJsonString': { a: 1 } } } },
        },
      }),
    );
    assert.deepEqual(t.transforms, ['AWS::LanguageExtensions']);
  });
});
