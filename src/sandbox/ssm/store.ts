/**
 * Parameter Store's rules for writing and finding parameters, shared by the API handlers and the
 * ECS engine (which resolves a task's `secrets` through findVersion).
 */
import { AwsError } from '../errors.js';
import { epochSeconds, type CallContext } from '../service.js';
import {
  current,
  type SsmParameter,
  type SsmParameterType,
  type SsmParameterVersion,
  type SsmRegion,
  type SsmTier,
} from './model.js';
import { checkName, ciphertextOf, parameterArn, validation, type NameRef } from './names.js';

/** AWS keeps the last 100 versions of a parameter. */
export const MAX_VERSIONS = 100;
/** Value size limits by tier (characters). */
export const STANDARD_MAX_VALUE = 4096;
export const ADVANCED_MAX_VALUE = 8192;
/** The AWS managed key SecureStrings use by default. */
export const DEFAULT_KEY_ID = 'alias/aws/ssm';
const TYPES: readonly SsmParameterType[] = ['String', 'StringList', 'SecureString'];
const TIERS = ['Standard', 'Advanced', 'Intelligent-Tiering'];
const DATA_TYPES = ['text', 'aws:ec2:image', 'aws:ssm:integration'];

export function parameterNotFound(name: string): AwsError {
  return new AwsError('ParameterNotFound', `Parameter ${name} not found.`);
}

/** What PutParameter was given (undefined = not given). */
export interface PutFields {
  name: string;
  value: string;
  type?: string;
  keyId?: string;
  description?: string;
  allowedPattern?: string;
  overwrite: boolean;
  tags?: { Key: string; Value: string }[];
  tier?: string;
  dataType?: string;
}

function tierFor(asked: string | undefined, previous: SsmTier | undefined, value: string): SsmTier {
  if (asked !== undefined && !TIERS.includes(asked)) {
    throw validation(
      `1 validation error detected: Value '${asked}' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [Standard, Advanced, Intelligent-Tiering]`,
    );
  }
  let tier: SsmTier;
  if (asked === 'Intelligent-Tiering') {
    tier = previous === 'Advanced' || value.length > STANDARD_MAX_VALUE ? 'Advanced' : 'Standard';
  } else tier = (asked as SsmTier | undefined) ?? previous ?? 'Standard';
  if (previous === 'Advanced' && tier === 'Standard') {
    throw validation(
      "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.",
    );
  }
  if (tier === 'Standard' && value.length > STANDARD_MAX_VALUE) {
    throw validation(
      `Standard tier parameters support a maximum parameter value of ${STANDARD_MAX_VALUE} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html`,
    );
  }
  if (value.length > ADVANCED_MAX_VALUE) {
    // (shape of AWS's text)
    throw validation(
      `Advanced tier parameters support a maximum parameter value of ${ADVANCED_MAX_VALUE} characters.`,
    );
  }
  return tier;
}

function checkPattern(pattern: string | undefined, value: string): void {
  if (pattern === undefined) return;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    throw new AwsError(
      'InvalidAllowedPatternException',
      `The allowed pattern ${pattern} is not a valid regular expression.`,
    );
  }
  if (!re.test(value)) {
    throw new AwsError(
      'ParameterPatternMismatchException',
      `Parameter value, cannot be validated against allowedPattern: ${pattern}`,
    );
  }
}

/** PutParameter: creates version 1 or (with overwrite) the next version; returns the new version. */
export function putParameter(
  ssm: SsmRegion,
  fields: PutFields,
  now: number,
  user: string,
): SsmParameterVersion {
  const name = checkName(fields.name);
  if (fields.overwrite && fields.tags && fields.tags.length > 0) {
    throw validation(
      "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
    );
  }
  if (fields.type !== undefined && !TYPES.includes(fields.type as SsmParameterType)) {
    throw validation(
      `1 validation error detected: Value '${fields.type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`,
    );
  }
  if (fields.dataType !== undefined && !DATA_TYPES.includes(fields.dataType)) {
    throw validation(
      `The following data type is not supported: ${fields.dataType} (Data type names are all lowercase.)`,
    );
  }
  const existing = ssm.parameters[name];
  const prev = existing ? current(existing) : undefined;
  if (existing && !fields.overwrite) {
    throw new AwsError(
      'ParameterAlreadyExists',
      'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    );
  }
  const type = (fields.type as SsmParameterType | undefined) ?? prev?.type;
  if (type === undefined) throw validation('A parameter type is required when you create a parameter.');
  const allowedPattern = fields.allowedPattern ?? prev?.allowedPattern;
  checkPattern(allowedPattern, fields.value);
  const tier = tierFor(fields.tier, prev?.tier, fields.value);
  const keyId =
    type === 'SecureString'
      ? (fields.keyId ?? (prev?.type === 'SecureString' ? prev.keyId : undefined) ?? DEFAULT_KEY_ID)
      : undefined;
  const description = fields.description ?? prev?.description;
  const version: SsmParameterVersion = {
    version: (prev?.version ?? 0) + 1,
    value: fields.value,
    type,
    ...(keyId !== undefined ? { keyId } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(allowedPattern !== undefined ? { allowedPattern } : {}),
    tier,
    dataType: fields.dataType ?? prev?.dataType ?? 'text',
    lastModifiedDate: now,
    lastModifiedUser: user,
  };
  if (existing) {
    existing.versions.push(version);
    if (existing.versions.length > MAX_VERSIONS) existing.versions.shift();
  } else {
    ssm.parameters[name] = { name, versions: [version], tags: fields.tags ?? [] };
  }
  return version;
}

/** The parameter a name or ARN names (in this account and region), if any. */
export function findParameter(
  ssm: SsmRegion,
  ref: NameRef,
  accountId: string,
  region: string,
): SsmParameter | undefined {
  if (ref.account !== undefined && (ref.account !== accountId || ref.region !== region)) return undefined;
  for (const n of ref.names) {
    const p = ssm.parameters[n];
    if (p) return p;
  }
  return undefined;
}

/** The version a selector picks (`:3`); the current one without a selector. */
export function versionOf(p: SsmParameter, selector: string | undefined): SsmParameterVersion {
  if (selector === undefined) return current(p);
  const s = selector.slice(1);
  const v = /^\d+$/.test(s) ? p.versions.find((x) => x.version === Number(s)) : undefined;
  if (!v) {
    // Labels are not kept by the sandbox: a label selector finds nothing.
    throw new AwsError(
      'ParameterVersionNotFound',
      `Systems Manager could not find version ${s} of ${p.name}. Verify the version and try again.`,
    );
  }
  return v;
}

/** A version as GetParameter(s) and GetParametersByPath return it. */
export function parameterOut(
  ctx: Pick<CallContext, 'region' | 'account'>,
  p: SsmParameter,
  v: SsmParameterVersion,
  decrypt: boolean,
  selector?: string,
): Record<string, unknown> {
  return {
    Name: p.name,
    Type: v.type,
    Value: shownValue(p, v, decrypt),
    Version: v.version,
    ...(selector !== undefined ? { Selector: selector } : {}),
    LastModifiedDate: epochSeconds(v.lastModifiedDate),
    ARN: parameterArn(ctx, p.name),
    DataType: v.dataType,
  };
}

/** The value as returned: SecureStrings are ciphertext unless decrypted. */
export function shownValue(p: SsmParameter, v: SsmParameterVersion, decrypt: boolean): string {
  if (v.type !== 'SecureString' || decrypt) return v.value;
  return ciphertextOf(p.name, v.version, v.keyId ?? DEFAULT_KEY_ID, v.value);
}
