/**
 * Shared pieces of the model's schemas: the string rules every name follows, and parseInput, which
 * turns a failed parse into one INVALID_INPUT error naming each bad field (`environment.name: ...`).
 */
import { z } from 'zod';
import { SlipwayError } from '../errors.js';

// Control characters in a name are always a paste accident, and break logs, URLs and YAML.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A display name: 1..max characters, no surrounding blanks, no control characters. */
export function nameSchema(what: string, max = 200) {
  return z
    .string({ error: `${what} must be a string` })
    .min(1, { error: `${what} must not be empty`, abort: true })
    .max(max, { error: `${what} must be at most ${max} characters`, abort: true })
    .refine((s) => s.trim() === s, { error: `${what} must not start or end with whitespace`, abort: true })
    .refine((s) => !CONTROL.test(s), { error: `${what} must not contain control characters` });
}

/** The error callback of a strict object: names unknown fields instead of zod's generic text. */
export function unknownFields(what: string) {
  return (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys' && issue.keys !== undefined
      ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} in ${what}`
      : `${what} must be an object`;
}

function describePath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${String(p)}`;
  return out;
}

/** Parses `input` with `schema`; throws INVALID_INPUT whose message names every bad field under `root`. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, root: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${describePath(root, i.path)}: ${i.message}`);
  throw new SlipwayError('INVALID_INPUT', `Invalid ${root}: ${issues.join('; ')}`, { data: { issues } });
}
