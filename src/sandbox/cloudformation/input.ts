/**
 * Reading CloudFormation's Query input (`Parameters.member.1.ParameterKey=...`, `Tags=` for an
 * empty list) and the checks AWS makes on names and tokens before anything else, in its words.
 */
import type { QueryInput } from '../service.js';
import type { GivenParameter } from './contracts.js';
import { validationError } from './lookup.js';
import type { CfnTag } from './model.js';

const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/;
const STACK_NAME_OR_ID = /^(?:[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*)$/;
const CHANGE_SET_NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/;
const CHANGE_SET_NAME_OR_ID = /^(?:[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/]*)$/;
const TOKEN = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;

function constraint(value: string, where: string, rule: string): string {
  return `1 validation error detected: Value '${value}' at '${where}' failed to satisfy constraint: ${rule}`;
}

/** A required member; `Value null at 'stackName' ... must not be null` when absent. */
export function required(input: QueryInput, field: string): string {
  const v = input[field];
  if (v === undefined || v === '') {
    const where = field.charAt(0).toLowerCase() + field.slice(1);
    throw validationError(
      `1 validation error detected: Value null at '${where}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}

/** A new stack's name: `[a-zA-Z][-a-zA-Z0-9]*`, at most 128 characters. */
export function checkStackName(name: string): void {
  if (!STACK_NAME.test(name) || name.length > 128) {
    throw validationError(
      name.length > 128 && STACK_NAME.test(name)
        ? constraint(name, 'stackName', 'Member must have length less than or equal to 128')
        : constraint(
            name,
            'stackName',
            'Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*',
          ),
    );
  }
}

/** A stack named or identified by ARN (every call on an existing stack). */
export function stackNameOrId(input: QueryInput, field = 'StackName'): string {
  const v = required(input, field);
  if (!STACK_NAME_OR_ID.test(v)) {
    throw validationError(
      constraint(
        v,
        'stackName',
        'Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*',
      ),
    );
  }
  return v;
}

/** A new change set's name: `[a-zA-Z][-a-zA-Z0-9]*`, 1–128 characters. */
export function changeSetName(input: QueryInput): string {
  const v = required(input, 'ChangeSetName');
  if (!CHANGE_SET_NAME.test(v) || v.length > 128) {
    throw validationError(
      constraint(
        v,
        'changeSetName',
        v.length > 128
          ? 'Member must have length less than or equal to 128'
          : 'Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*',
      ),
    );
  }
  return v;
}

/** A change set named or identified by ARN. */
export function changeSetNameOrId(input: QueryInput): string {
  const v = required(input, 'ChangeSetName');
  if (!CHANGE_SET_NAME_OR_ID.test(v) || v.length > 1600) {
    throw validationError(
      constraint(
        v,
        'changeSetName',
        'Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/]*',
      ),
    );
  }
  return v;
}

/** ClientRequestToken: 1–128 characters of `[a-zA-Z0-9][-a-zA-Z0-9]*`. */
export function clientRequestToken(input: QueryInput): string | undefined {
  const v = input.ClientRequestToken;
  if (v === undefined) return undefined;
  if (!TOKEN.test(v) || v.length > 128) {
    throw validationError(
      constraint(
        v,
        'clientRequestToken',
        v.length > 128
          ? 'Member must have length less than or equal to 128'
          : 'Member must satisfy regular expression pattern: [a-zA-Z0-9][-a-zA-Z0-9]*',
      ),
    );
  }
  return v;
}

/** `Name.member.N` strings. */
export function list(input: QueryInput, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; input[`${name}.member.${i}`] !== undefined; i++) out.push(input[`${name}.member.${i}`]!);
  return out;
}

/** A boolean member: `true`/`false`; undefined when absent. */
export function bool(input: QueryInput, name: string): boolean | undefined {
  const v = input[name];
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') {
    throw validationError(`Invalid value '${v}' for ${name}: use true or false.`);
  }
  return v === 'true';
}

/** A whole-number member at least `min`; undefined when absent. */
export function int(input: QueryInput, name: string, min: number): number | undefined {
  const v = input[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  const where = name.charAt(0).toLowerCase() + name.slice(1);
  if (!/^-?\d+$/.test(v)) throw validationError(constraint(v, where, 'Member must be a number'));
  if (n < min)
    throw validationError(constraint(v, where, `Member must have value greater than or equal to ${min}`));
  return n;
}

/** Parameters as given; UsePreviousValue `true` keeps the stack's value. */
export function parameters(input: QueryInput): GivenParameter[] {
  const out: GivenParameter[] = [];
  for (let i = 1; ; i++) {
    const p = `Parameters.member.${i}`;
    const key = input[`${p}.ParameterKey`];
    const value = input[`${p}.ParameterValue`];
    const previous = input[`${p}.UsePreviousValue`];
    if (key === undefined && value === undefined && previous === undefined) return out;
    out.push({
      key: key ?? '',
      ...(value !== undefined ? { value } : {}),
      ...(previous === 'true' ? { usePreviousValue: true } : {}),
    });
  }
}

/**
 * Tags: undefined when absent (keep the stack's), [] when sent as the empty list `Tags=` (the AWS
 * SDK v3 does: remove them all), else the list. At most 50, keys 1–128, values up to 256.
 */
export function tags(input: QueryInput): CfnTag[] | undefined {
  if (input.Tags !== undefined && input['Tags.member.1.Key'] === undefined) return [];
  const out: CfnTag[] = [];
  for (
    let i = 1;
    input[`Tags.member.${i}.Key`] !== undefined || input[`Tags.member.${i}.Value`] !== undefined;
    i++
  ) {
    const key = input[`Tags.member.${i}.Key`];
    const value = input[`Tags.member.${i}.Value`];
    if (key === undefined || key === '') {
      throw validationError(
        `1 validation error detected: Value null at 'tags.${i}.member.key' failed to satisfy constraint: Member must not be null`,
      );
    }
    if (value === undefined) {
      throw validationError(
        `1 validation error detected: Value null at 'tags.${i}.member.value' failed to satisfy constraint: Member must not be null`,
      );
    }
    out.push({ Key: key, Value: value });
  }
  if (out.length === 0) return undefined;
  if (out.length > 50) {
    throw validationError(
      `1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50`,
    );
  }
  return out;
}

/** Capabilities the caller acknowledges; unknown values are refused as AWS refuses them. */
export function capabilities(input: QueryInput): string[] {
  const caps = list(input, 'Capabilities');
  const known = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'];
  const bad = caps.find((c) => !known.includes(c));
  if (bad !== undefined) {
    throw validationError(
      `1 validation error detected: Value '[${caps.join(', ')}]' at 'capabilities' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${known.join(', ')}]]`,
    );
  }
  return caps;
}

/** Opaque NextToken for list paging: the offset. */
export function pageStart(input: QueryInput): number {
  const t = input.NextToken;
  if (t === undefined) return 0;
  const n = Number(Buffer.from(t, 'base64url').toString('utf8'));
  if (!Number.isInteger(n) || n < 0)
    throw validationError('Invalid NextToken: pass the NextToken of the previous page.');
  return n;
}

export function nextToken(offset: number): string {
  return Buffer.from(String(offset), 'utf8').toString('base64url');
}
