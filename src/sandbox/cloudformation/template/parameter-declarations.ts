/**
 * The Parameters section: each declaration's Type and constraints, read into a
 * ParameterDeclaration with AWS's structural errors.
 */
import type { ParameterDeclaration } from '../contracts.js';
import { fail, formatError, isObject } from './errors.js';

const AWS_SPECIFIC_TYPES = [
  'AWS::EC2::AvailabilityZone::Name',
  'AWS::EC2::Image::Id',
  'AWS::EC2::Instance::Id',
  'AWS::EC2::KeyPair::KeyName',
  'AWS::EC2::SecurityGroup::GroupName',
  'AWS::EC2::SecurityGroup::Id',
  'AWS::EC2::Subnet::Id',
  'AWS::EC2::VPC::Id',
  'AWS::EC2::Volume::Id',
  'AWS::Route53::HostedZone::Id',
];

const SCALAR_TYPES = [
  'String',
  'Number',
  'CommaDelimitedList',
  'AWS::SSM::Parameter::Name',
  ...AWS_SPECIFIC_TYPES,
];
const LIST_TYPES = ['List<Number>', 'List<String>', ...AWS_SPECIFIC_TYPES.map((t) => `List<${t}>`)];

/** `AWS::SSM::Parameter::Value<...>`: the value is read from Parameter Store at deploy time. */
export function isSsmValueType(type: string): boolean {
  return /^AWS::SSM::Parameter::Value<.+>$/.test(type);
}

/** Whether a Ref of this type yields a list (CommaDelimitedList and List<...>). */
export function isListType(type: string): boolean {
  return type === 'CommaDelimitedList' || type.startsWith('List<');
}

function isValidType(type: string): boolean {
  return SCALAR_TYPES.includes(type) || LIST_TYPES.includes(type) || isSsmValueType(type);
}

const PROPERTIES = new Set([
  'Type',
  'Default',
  'AllowedValues',
  'AllowedPattern',
  'MinLength',
  'MaxLength',
  'MinValue',
  'MaxValue',
  'NoEcho',
  'Description',
  'ConstraintDescription',
]);

/** Numbers, booleans and strings as the string CloudFormation keeps (YAML may read `Default: 1` as a number). */
function asString(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // (unverified) AWS's wording for a non-scalar Default/AllowedValues member.
  return formatError(`Every ${what} member must be a string.`);
}

function asNumber(value: unknown, key: string, property: string): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  // (unverified) wording.
  if (!Number.isFinite(n)) formatError(`Parameter '${key}' ${property} must be a number.`);
  return n;
}

/** Reads one declaration; throws AWS's errors for unknown properties and missing or unknown types. */
export function declareParameter(key: string, raw: unknown): ParameterDeclaration {
  // (unverified) AWS's wording for a non-map parameter.
  if (!isObject(raw)) formatError('Any Parameters member must be a JSON object.');
  for (const property of Object.keys(raw)) {
    // ISS zalando-stups/senza#94: `Invalid template parameter property 'DefaultValue'`.
    if (!PROPERTIES.has(property)) fail(`Invalid template parameter property '${property}'`);
  }
  const type = raw.Type;
  // ISS bridgecrewio/checkov#2965.
  if (type === undefined) formatError('Every Parameters object must contain a Type member.');
  // (unverified) wording from Eucalyptus' clone of the API.
  if (typeof type !== 'string' || !isValidType(type))
    formatError(`Unrecognized parameter type: ${String(type)}`);
  const declaration: ParameterDeclaration = { type, noEcho: raw.NoEcho === true || raw.NoEcho === 'true' };
  if (raw.Default !== undefined) declaration.default = asString(raw.Default, 'Default');
  if (raw.AllowedValues !== undefined) {
    if (!Array.isArray(raw.AllowedValues)) formatError('Every AllowedValues member must be a list.'); // (unverified)
    declaration.allowedValues = raw.AllowedValues.map((v) => asString(v, 'AllowedValues'));
  }
  if (raw.AllowedPattern !== undefined)
    declaration.allowedPattern = asString(raw.AllowedPattern, 'AllowedPattern');
  for (const property of ['MinLength', 'MaxLength', 'MinValue', 'MaxValue'] as const) {
    if (raw[property] === undefined) continue;
    const field = (property.charAt(0).toLowerCase() + property.slice(1)) as 'minLength';
    declaration[field] = asNumber(raw[property], key, property);
  }
  if (raw.Description !== undefined) declaration.description = asString(raw.Description, 'Description');
  if (raw.ConstraintDescription !== undefined) {
    declaration.constraintDescription = asString(raw.ConstraintDescription, 'ConstraintDescription');
  }
  return declaration;
}
