/**
 * Reading JSON request members the way SSM and Secrets Manager validate them: a missing required
 * member or a member of the wrong type is AWS's `1 validation error detected` ValidationException;
 * paging tokens are opaque offsets. Shared by src/sandbox/ssm and src/sandbox/secretsmanager.
 */
import { AwsError } from '../errors.js';
import type { JsonInput } from '../service.js';

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** AWS's model-validation error for one member. */
export function constraint(value: unknown, field: string, rule: string): AwsError {
  const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
  return new AwsError(
    'ValidationException',
    `1 validation error detected: Value ${shown} at '${lowerFirst(field)}' failed to satisfy constraint: ${rule}`,
  );
}

/** A required string member (non-empty). */
export function reqStr(input: JsonInput, field: string): string {
  const v = input[field];
  if (v === undefined || v === null) throw constraint(v, field, 'Member must not be null');
  if (typeof v !== 'string') throw new AwsError('SerializationException', `${field} must be a string.`);
  if (v.length === 0) throw constraint(v, field, 'Member must have length greater than or equal to 1');
  return v;
}

/** An optional string member. */
export function optStr(input: JsonInput, field: string): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new AwsError('SerializationException', `${field} must be a string.`);
  return v;
}

/** An optional boolean member. */
export function optBool(input: JsonInput, field: string): boolean | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new AwsError('SerializationException', `${field} must be a boolean.`);
  return v;
}

/** An optional whole number member within [min, max]. */
export function optInt(input: JsonInput, field: string, min: number, max: number): number | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new AwsError('SerializationException', `${field} must be a whole number.`);
  }
  if (v < min) throw constraint(v, field, `Member must have value greater than or equal to ${min}`);
  if (v > max) throw constraint(v, field, `Member must have value less than or equal to ${max}`);
  return v;
}

/** An optional list of strings. */
export function optStrList(input: JsonInput, field: string): string[] | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new AwsError('SerializationException', `${field} must be a list of strings.`);
  }
  return v as string[];
}

/** A required list of strings with AWS's length bounds. */
export function reqStrList(input: JsonInput, field: string, min: number, max: number): string[] {
  const v = optStrList(input, field);
  if (v === undefined) throw constraint(undefined, field, 'Member must not be null');
  if (v.length < min || v.length > max) {
    const rule =
      v.length < min
        ? `Member must have length greater than or equal to ${min}`
        : `Member must have length less than or equal to ${max}`;
    throw constraint(`[${v.join(', ')}]`, field, rule);
  }
  return v;
}

/** Tags given as `[{Key, Value}]`. */
export function tagList(input: JsonInput, field: string): { Key: string; Value: string }[] | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new AwsError('SerializationException', `${field} must be a list.`);
  return v.map((t: unknown, i) => {
    const o = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
    if (typeof o.Key !== 'string' || o.Key.length < 1 || o.Key.length > 128) {
      throw constraint(o.Key, `${field}.${i + 1}.member.key`, 'Member must have length between 1 and 128');
    }
    const value = typeof o.Value === 'string' ? o.Value : '';
    if (value.length > 256) {
      throw constraint(
        value,
        `${field}.${i + 1}.member.value`,
        'Member must have length less than or equal to 256',
      );
    }
    return { Key: o.Key, Value: value };
  });
}

/** Sets tags by key (a repeated key takes the new value). */
export function mergeTags(
  tags: { Key: string; Value: string }[],
  add: { Key: string; Value: string }[],
): { Key: string; Value: string }[] {
  const out = tags.filter((t) => !add.some((a) => a.Key === t.Key));
  for (const a of add) {
    const i = out.findIndex((t) => t.Key === a.Key);
    if (i >= 0) out.splice(i, 1);
    out.push(a);
  }
  return out;
}

const TOKEN_PREFIX = 'sandbox-page:';

/**
 * One page of `items` by an opaque offset token. A token that is not one of ours is
 * `invalidToken` (each service names that error its own way).
 */
export function page<T>(
  items: T[],
  limit: number,
  token: string | undefined,
  invalidToken: () => AwsError,
): { items: T[]; nextToken?: string } {
  let start = 0;
  if (token !== undefined) {
    const text = Buffer.from(token, 'base64').toString('utf8');
    const n = text.startsWith(TOKEN_PREFIX) ? Number(text.slice(TOKEN_PREFIX.length)) : NaN;
    if (!Number.isInteger(n) || n < 0) throw invalidToken();
    start = n;
  }
  const slice = items.slice(start, start + limit);
  const end = start + slice.length;
  if (end >= items.length) return { items: slice };
  return { items: slice, nextToken: Buffer.from(`${TOKEN_PREFIX}${end}`).toString('base64') };
}
