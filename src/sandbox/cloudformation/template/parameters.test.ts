import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../../errors.js';
import type { GivenParameter, ParameterValues } from '../contracts.js';
import { templateEngine } from './index.js';

function assertValidationError(run: () => unknown, message: string): void {
  assert.throws(
    run,
    (e: unknown) => e instanceof AwsError && e.code === 'ValidationError' && e.message === message,
  );
}

function templateWith(parameters: Record<string, unknown>) {
  return templateEngine.parse(
    JSON.stringify({ Parameters: parameters, Resources: { A: { Type: 'AWS::S3::Bucket' } } }),
  );
}

const resolve = (parameters: Record<string, unknown>, given: GivenParameter[], previous?: ParameterValues) =>
  templateEngine.resolveParameters(templateWith(parameters), given, previous);

describe('template parameters: precedence and types', () => {
  const declared = {
    Given: { Type: 'String', Default: 'default' },
    Previous: { Type: 'String', Default: 'default' },
    Defaulted: { Type: 'String', Default: 'default' },
    Required: { Type: 'String' },
  };

  it('takes the given value, then the previous one (UsePreviousValue), then the Default', () => {
    const values = resolve(
      declared,
      [
        { key: 'Given', value: 'given' },
        { key: 'Previous', usePreviousValue: true },
        { key: 'Required', value: 'r' },
      ],
      { Given: 'old', Previous: 'old', Defaulted: 'old', Required: 'old' },
    );
    assert.deepEqual(values, { Given: 'given', Previous: 'old', Defaulted: 'default', Required: 'r' });
  });

  it('resolves list types to trimmed string lists and keeps numbers as strings', () => {
    const values = resolve(
      {
        Csv: { Type: 'CommaDelimitedList' },
        Numbers: { Type: 'List<Number>', Default: '1, 2,3' },
        Subnets: { Type: 'List<AWS::EC2::Subnet::Id>' },
        Count: { Type: 'Number', Default: 3 },
        Prev: { Type: 'CommaDelimitedList' },
      },
      [
        { key: 'Csv', value: 'a, b ,c' },
        { key: 'Subnets', value: 'subnet-1,subnet-2' },
        { key: 'Prev', usePreviousValue: true },
      ],
      { Prev: ['x', 'y'] },
    );
    assert.deepEqual(values, {
      Csv: ['a', 'b', 'c'],
      Numbers: ['1', '2', '3'],
      Subnets: ['subnet-1', 'subnet-2'],
      Count: '3',
      Prev: ['x', 'y'],
    });
  });
});

describe('template parameters: errors', () => {
  const cases: [string, Record<string, unknown>, GivenParameter[], string][] = [
    [
      'missing values, in template order',
      { B: { Type: 'String' }, A: { Type: 'String' }, C: { Type: 'String', Default: 'c' } },
      [],
      'Parameters: [B, A] must have values',
    ],
    [
      'unknown key',
      { A: { Type: 'String', Default: 'a' } },
      [{ key: 'X', value: '1' }],
      'Parameters: [X] do not exist in the template',
    ],
    [
      'UsePreviousValue on create',
      { A: { Type: 'String', Default: 'a' } },
      [{ key: 'A', usePreviousValue: true }],
      'Parameters: [A] must have values',
    ],
    [
      'not a number',
      { DesiredCount: { Type: 'Number' } },
      [{ key: 'DesiredCount', value: 'abc' }],
      "Parameter 'DesiredCount' must be a number.",
    ],
    [
      'not a number list',
      { N: { Type: 'List<Number>' } },
      [{ key: 'N', value: '1,x' }],
      "Parameter 'N' must be a number.",
    ],
    [
      'AllowedValues',
      { Env: { Type: 'String', AllowedValues: ['dev', 'prod'] } },
      [{ key: 'Env', value: 'test' }],
      "Parameter 'Env' must be one of AllowedValues",
    ],
    [
      'AllowedPattern (whole value)',
      { P: { Type: 'String', AllowedPattern: '[a-z]+' } },
      [{ key: 'P', value: 'abc1' }],
      "Parameter 'P' must match pattern [a-z]+",
    ],
    [
      'MinLength',
      { P: { Type: 'String', MinLength: 8 } },
      [{ key: 'P', value: 'short' }],
      "Parameter 'P' must contain at least 8 characters",
    ],
    [
      'MaxLength',
      { P: { Type: 'String', MaxLength: '3' } },
      [{ key: 'P', value: 'long' }],
      "Parameter 'P' must contain at most 3 characters",
    ],
    [
      'MinValue',
      { AvailabilityZoneCount: { Type: 'Number', MinValue: 1 } },
      [{ key: 'AvailabilityZoneCount', value: '0' }],
      "Parameter 'AvailabilityZoneCount' must be a number not less than 1",
    ],
    [
      'MaxValue',
      { N: { Type: 'Number', MaxValue: 10 } },
      [{ key: 'N', value: '10.5' }],
      "Parameter 'N' must be a number not greater than 10",
    ],
    [
      'ConstraintDescription replaces the reason',
      {
        CreateVPNEndpoint: {
          Type: 'String',
          AllowedValues: ['true', 'false'],
          ConstraintDescription: "Must specify 'true' or 'false'",
        },
      },
      [{ key: 'CreateVPNEndpoint', value: 'yes' }],
      "Parameter CreateVPNEndpoint failed to satisfy constraint: Must specify 'true' or 'false'",
    ],
    [
      'an SSM parameter type',
      { Ami: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/ami' } },
      [],
      "Parameter 'Ami' is of type AWS::SSM::Parameter::Value<String>, which the Slipway sandbox does not resolve yet: declare it as String and pass the value itself.",
    ],
    [
      'values for a template without parameters',
      {},
      [{ key: 'X', value: '1' }],
      'Parameter values specified for a template which does not require them.',
    ],
  ];
  for (const [name, parameters, given, message] of cases) {
    it(name, () => assertValidationError(() => resolve(parameters, given), message));
  }

  it('checks Default values too', () => {
    assertValidationError(
      () => resolve({ N: { Type: 'Number', Default: 'ten' } }, []),
      "Parameter 'N' must be a number.",
    );
  });
});
