/**
 * Shared pieces of the model's schemas: the string rules every name follows, and parseInput, which
 * turns a failed parse into one INVALID_INPUT error naming each bad field (`environment.name: ...`)
 * in our own words (never the schema library's).
 */
import { z } from 'zod';
import { SlipwayError } from '../errors.js';
import { describePath, fieldLabel, misleadingName, unusableText } from './text.js';

// Control characters in a name are always a paste accident, and break logs, URLs and YAML.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * A display name: 1..max characters, no surrounding blanks, no control characters, lone
 * surrogates or noncharacters, no direction overrides, and at least one visible character.
 */
export function nameSchema(what: string, max = 200) {
  return z
    .string({ error: `${what} must be a string` })
    .min(1, { error: `${what} must not be empty`, abort: true })
    .max(max, { error: `${what} must be at most ${max} characters`, abort: true })
    .refine((s) => s.trim() === s, { error: `${what} must not start or end with whitespace`, abort: true })
    .refine((s) => !CONTROL.test(s), { error: `${what} must not contain control characters`, abort: true })
    .superRefine((s, ctx) => {
      const problem = unusableText(s, 'line') ?? misleadingName(s);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `${what} ${problem}` });
    });
}

/** The error callback of a strict object: names unknown fields instead of zod's generic text. */
export function unknownFields(what: string) {
  return (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys' && issue.keys !== undefined
      ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} in ${what}`
      : `${what} must be an object`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
  bigint: 'a whole number',
  date: 'a date',
  null: 'null',
};

const SIZE_UNITS: Record<string, [string, string]> = {
  string: ['character', 'characters'],
  array: ['item', 'items'],
  set: ['item', 'items'],
  file: ['byte', 'bytes'],
};

function countOf(n: number | bigint, origin: string): string {
  const [one, many] = SIZE_UNITS[origin] ?? ['', ''];
  return one === '' ? String(n) : `${n} ${Number(n) === 1 ? one : many}`;
}

/** What zod found, in our words: `<field> must ...`. Used for every issue a schema did not word itself. */
function ourWords(root: string, issue: z.core.$ZodRawIssue): string {
  const field = fieldLabel(root, issue.path ?? []);
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `${field} is required`
        : `${field} must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_big': {
      const n = countOf(issue.maximum, issue.origin);
      if (issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set')
        return `${field} must be at most ${n}`;
      return `${field} must be ${issue.inclusive === false ? 'less than' : 'at most'} ${n}`;
    }
    case 'too_small': {
      if ((issue.origin === 'string' || issue.origin === 'array') && Number(issue.minimum) === 1)
        return `${field} must not be empty`;
      const n = countOf(issue.minimum, issue.origin);
      if (issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set')
        return `${field} must be at least ${n}`;
      return `${field} must be ${issue.inclusive === false ? 'more than' : 'at least'} ${n}`;
    }
    case 'invalid_format':
      switch (issue.format) {
        case 'regex':
          return `${field} does not have the required form`;
        case 'datetime':
          return `${field} must be a date and time such as 2026-01-02T03:04:05Z`;
        case 'url':
          return `${field} must be a URL`;
        default:
          return `${field} must be ${/^[aeiou]/i.test(issue.format) ? 'an' : 'a'} ${issue.format}`;
      }
    case 'not_multiple_of':
      return `${field} must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} in ${field}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `${field} must be ${JSON.stringify(issue.values[0])}`
        : `${field} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return `${field} is none of the forms it may take`;
    case 'invalid_key':
      return `${field} is not an accepted key`;
    case 'invalid_element':
      return `${field} holds a value that is not accepted`;
    default:
      return `${field} is not valid`;
  }
}

/** Parses `input` with `schema`; throws INVALID_INPUT whose message names every bad field under `root`. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, root: string): z.output<S> {
  const result = schema.safeParse(input, { error: (issue) => ourWords(root, issue) });
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${describePath(root, i.path)}: ${i.message}`);
  throw new SlipwayError('INVALID_INPUT', `Invalid ${root}: ${issues.join('; ')}`, { data: { issues } });
}
