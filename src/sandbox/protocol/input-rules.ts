/**
 * Checks a request's input against AWS's own rules for it (MODEL_LIMITS, generated from the
 * service models) before the handler runs, as AWS validates before it acts: every number in its
 * type's range (Int32, Int64) and the model's min/max; for the Query services (STS, IAM) also string
 * lengths, patterns and required members. Problems are reported together, in AWS's wording:
 * `2 validation errors detected: Value '0' at 'maxItems' failed to satisfy constraint: ...; ...`.
 */
import { AwsError } from '../errors.js';
import type { MemberRule } from './model-limit-types.js';
import { MODEL_LIMITS } from './model-limits.js';

const RANGES: Record<string, [number, number]> = {
  integer: [-(2 ** 31), 2 ** 31 - 1],
  long: [-(2 ** 63), 2 ** 63 - 1],
};
const JAVA_TYPES: Record<string, string> = {
  integer: 'Integer',
  long: 'Long',
  double: 'Double',
  float: 'Float',
};

/** A value found at a rule's path, and AWS's name for where it is (`containerDefinitions.1.member.cpu`). */
interface Found {
  where: string;
  value: unknown;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function split(segment: string): { key: string; list: boolean } {
  return segment.endsWith('[]') ? { key: segment.slice(0, -2), list: true } : { key: segment, list: false };
}

/** The values of a JSON input at a path; `a[].b` visits each element. Wrong shapes are the handler's. */
function jsonValues(value: unknown, segments: readonly string[], where: string, out: Found[]): void {
  if (segments.length === 0) {
    out.push({ where, value });
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const { key, list } = split(segments[0]!);
  const v = (value as Record<string, unknown>)[key];
  if (v === undefined || v === null) return;
  const at = where ? `${where}.${lowerFirst(key)}` : lowerFirst(key);
  if (!list) return jsonValues(v, segments.slice(1), at, out);
  if (!Array.isArray(v)) return;
  v.forEach((element: unknown, i) => jsonValues(element, segments.slice(1), `${at}.${i + 1}.member`, out));
}

/** The values of a flattened Query input at a path: `Tags[].Key` reads `Tags.member.N.Key`. */
function queryValues(
  input: Record<string, string>,
  keys: readonly string[],
  segments: readonly string[],
  prefix: string,
  where: string,
  out: Found[],
): void {
  if (segments.length === 0) {
    if (input[prefix] !== undefined) out.push({ where, value: input[prefix] });
    return;
  }
  const { key, list } = split(segments[0]!);
  const base = prefix ? `${prefix}.${key}` : key;
  const at = where ? `${where}.${lowerFirst(key)}` : lowerFirst(key);
  if (!list) return queryValues(input, keys, segments.slice(1), base, at, out);
  for (let i = 1; ; i++) {
    const element = `${base}.member.${i}`;
    if (!keys.some((k) => k === element || k.startsWith(`${element}.`))) return;
    queryValues(input, keys, segments.slice(1), element, `${at}.${i}.member`, out);
  }
}

function constraint(value: unknown, where: string, rule: string): string {
  return `Value '${String(value)}' at '${where}' failed to satisfy constraint: ${rule}`;
}

/** What is wrong with a number for its rule, or undefined. */
function numberProblem(rule: MemberRule, value: number, where: string): string | undefined {
  const integral = rule.type === 'integer' || rule.type === 'long';
  if (!Number.isFinite(value) || (integral && !Number.isInteger(value))) {
    return constraint(value, where, `Member must be ${integral ? 'a whole number' : 'a finite number'}`);
  }
  const [typeMin, typeMax] = RANGES[rule.type] ?? [-Number.MAX_VALUE, Number.MAX_VALUE];
  const min = Math.max(rule.min ?? typeMin, typeMin);
  const max = Math.min(rule.max ?? typeMax, typeMax);
  if (value < min) return constraint(value, where, `Member must have value greater than or equal to ${min}`);
  if (value > max) return constraint(value, where, `Member must have value less than or equal to ${max}`);
  return undefined;
}

const compiled = new Map<string, RegExp>();

/** A model (Java) pattern as a JavaScript regular expression matching whole values. */
export function modelPattern(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    // Java writes code points above U+FFFF as \u10000; JavaScript's unicode mode as \u{10000}.
    const js = pattern.replace(/\\u([0-9A-Fa-f]{5,6})/g, '\\u{$1}');
    re = new RegExp(`^(?:${js})$`, 'u');
    compiled.set(pattern, re);
  }
  return re;
}

/** What is wrong with a string for its rule (each broken rule), in AWS's order: length, then pattern. */
function stringProblems(rule: MemberRule, value: string, where: string): string[] {
  const out: string[] = [];
  const length = [...value].length;
  if (rule.min !== undefined && length < rule.min) {
    out.push(constraint(value, where, `Member must have length greater than or equal to ${rule.min}`));
  }
  if (rule.max !== undefined && length > rule.max) {
    out.push(constraint(value, where, `Member must have length less than or equal to ${rule.max}`));
  }
  if (rule.pattern !== undefined && !modelPattern(rule.pattern).test(value)) {
    out.push(constraint(value, where, `Member must satisfy regular expression pattern: ${rule.pattern}`));
  }
  return out;
}

/** AWS's summary line over the problems found. */
function summary(problems: readonly string[]): string {
  const n = problems.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`;
}

/** The error a JSON deserializer gives for a value of the wrong JSON type. */
function serializationError(rule: MemberRule, value: unknown): AwsError {
  const target = JAVA_TYPES[rule.type] ?? rule.type;
  if (Array.isArray(value))
    return new AwsError('SerializationException', 'Start of list found where not expected');
  if (typeof value === 'object') {
    return new AwsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  const token = typeof value === 'string' ? 'STRING_VALUE' : value === true ? 'TRUE_VALUE' : 'FALSE_VALUE';
  return new AwsError('SerializationException', `${token} cannot be converted to ${target}`);
}

/**
 * Checks a JSON 1.1 request (ECS, ECR, Logs): throws SerializationException for a number member of
 * another JSON type, InvalidParameterException listing every value outside its range.
 */
export function checkJsonInput(service: string, action: string, input: Record<string, unknown>): void {
  const rules = MODEL_LIMITS[service]?.[action];
  if (!rules) return;
  const problems: string[] = [];
  for (const rule of rules) {
    if (rule.type === 'string') continue;
    const found: Found[] = [];
    jsonValues(input, rule.path.split('.'), '', found);
    for (const { where, value } of found) {
      if (value === null) continue;
      if (typeof value !== 'number') throw serializationError(rule, value);
      const problem = numberProblem(rule, value, where);
      if (problem) problems.push(problem);
    }
  }
  if (problems.length > 0) throw new AwsError('InvalidParameterException', summary(problems));
}

/**
 * Checks a Query request (STS, IAM): required members, whole numbers in range, string lengths and
 * patterns. Throws ValidationError listing every problem.
 */
export function checkQueryInput(service: string, action: string, input: Record<string, string>): void {
  const rules = MODEL_LIMITS[service]?.[action];
  if (!rules) return;
  const keys = Object.keys(input);
  const problems: string[] = [];
  for (const rule of rules) {
    // A list is flattened (`ActionNames.member.1`): it is present when any of its members is.
    const present =
      input[rule.path] !== undefined ||
      (rule.type === 'list' && keys.some((k) => k.startsWith(`${rule.path}.member.`)));
    if (rule.required && !rule.path.includes('.') && !present) {
      problems.push(
        `Value null at '${lowerFirst(rule.path)}' failed to satisfy constraint: Member must not be null`,
      );
      continue;
    }
    const found: Found[] = [];
    // List paths (`Tags[].Key`) split on dots like the flattened keys; `[]` marks the list.
    queryValues(input, keys, rule.path.split('.'), '', '', found);
    for (const { where, value } of found) {
      const text = String(value);
      if (rule.type === 'string') problems.push(...stringProblems(rule, text, where));
      else {
        const problem = /^-?\d+(\.\d+)?$/.test(text)
          ? numberProblem(rule, Number(text), where)
          : constraint(text, where, 'Member must be a number');
        if (problem) problems.push(problem);
      }
    }
  }
  if (problems.length > 0) throw new AwsError('ValidationError', summary(problems));
}
