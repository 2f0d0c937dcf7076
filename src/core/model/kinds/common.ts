/** Field schemas and helpers several kinds share. */
import { z } from 'zod';
import { parseTemplate } from '../../template/parser.js';
import { MAX_DESCRIPTION_LENGTH } from '../environment.js';
import { nameSchema } from '../parse.js';
import type { RefTarget, ResourceRef } from '../resource.js';

/** A free-text description, default "". */
export const descriptionSchema = z
  .string({ error: 'description must be a string' })
  .max(MAX_DESCRIPTION_LENGTH, { error: `description must be at most ${MAX_DESCRIPTION_LENGTH} characters` })
  .default('');

/** `"a", "b", "c"` for messages. */
export function oneOf(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

/** One of `values`, with a message listing them. */
export function enumSchema<const T extends readonly [string, ...string[]]>(what: string, values: T) {
  return z.enum(values, { error: `${what} must be one of ${oneOf(values)}` });
}

/** true or false. */
export function flagSchema(what: string) {
  return z.boolean({ error: `${what} must be true or false` });
}

/** A whole number in [min, max]. */
export function wholeNumberSchema(what: string, min: number, max: number) {
  return z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(max, { error: `${what} must be at most ${max}` });
}

/** A string, at most `max` characters (may be empty). */
export function textSchema(what: string, max = MAX_DESCRIPTION_LENGTH) {
  return z
    .string({ error: `${what} must be a string` })
    .max(max, { error: `${what} must be at most ${max} characters` });
}

/** True when `s` uses the `#{...}` template language (so its value is only known at deployment). */
export function isTemplate(s: string): boolean {
  return s.includes('#{');
}

/** The parse error of a `#{...}` template, or undefined when it parses. */
export function templateProblem(s: string): string | undefined {
  return parseTemplate(s, false).error;
}

/** A string standing for a number: a `#{...}` template which parses (the value comes at deployment). */
function numberTemplateSchema(what: string) {
  return z.string({ error: `${what} must be a string` }).superRefine((s, ctx) => {
    if (!isTemplate(s)) {
      ctx.addIssue({
        code: 'custom',
        message: `${what} must be a number, or a #{...} template that gives one`,
      });
      return;
    }
    const problem = templateProblem(s);
    if (problem !== undefined)
      ctx.addIssue({ code: 'custom', message: `${what} is not a valid template: ${problem}` });
  });
}

/**
 * A number that may instead be written as a `#{...}` template, evaluated at deployment (then the
 * number's own rules are checked again). Numeric strings without a template are refused.
 */
export function templatable<T extends z.ZodType<number>>(numberSchema: T, what = 'this field') {
  return z.union([numberSchema, numberTemplateSchema(what)], {
    // A number that fails a rule which stops parsing (not whole) makes zod report the union: say the rule.
    error: (issue) =>
      (issue.code === 'invalid_union' && typeof issue.input === 'number'
        ? issue.errors[0]?.[0]?.message
        : undefined) ?? `${what} must be a number or a #{...} template`,
  });
}

/**
 * A string that must match `pattern` unless it is a `#{...}` template (checked only for parsing;
 * the rule applies again to the value at deployment).
 */
export function patternOrTemplateSchema(what: string, pattern: RegExp, rule: string, max = 2048) {
  return z
    .string({ error: `${what} must be a string` })
    .min(1, { error: `${what} must not be empty`, abort: true })
    .max(max, { error: `${what} must be at most ${max} characters`, abort: true })
    .superRefine((s, ctx) => {
      if (isTemplate(s)) {
        const problem = templateProblem(s);
        if (problem !== undefined) {
          ctx.addIssue({ code: 'custom', message: `${what} is not a valid template: ${problem}` });
        }
      } else if (!pattern.test(s)) {
        ctx.addIssue({ code: 'custom', message: `${what} must be ${rule} (or a #{...} template)` });
      }
    });
}

/** A non-empty string that may contain `#{...}` (not parsed here: deployment reports template errors). */
export function propertySchema(what: string, max = 2048) {
  return z
    .string({ error: `${what} must be a string` })
    .min(1, { error: `${what} must not be empty` })
    .max(max, { error: `${what} must be at most ${max} characters` });
}

/** A reference to another resource by id or name (the store rewrites names to ids). */
export function refSchema(what: string) {
  return z
    .string({ error: listError(what, 'a string (an id or a name)') })
    .min(1, { error: `${what} must not be empty` });
}

/** Adds an issue at `[i]` for every string of `values` equal (ignoring case) to an earlier one. */
export function checkNoDuplicates(
  values: readonly string[],
  ctx: z.RefinementCtx,
  at: (index: number) => PropertyKey[],
  what: string,
): void {
  const seen = new Map<string, number>();
  values.forEach((v, i) => {
    const key = v.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else
      ctx.addIssue({
        code: 'custom',
        path: at(i),
        message: `${what} "${v}" appears twice (first at index ${first})`,
      });
  });
}

/** The message of a field that must be `shape`: "required" when it is missing. */
export function listError(what: string, shape = 'a list') {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? `${what} is required` : `${what} must be ${shape}`;
}

function refArray(what: string) {
  return z
    .array(refSchema(`each of ${what}`), { error: listError(what, 'a list of ids or names') })
    .superRefine((list, ctx) => checkNoDuplicates(list, ctx, (i) => [i], 'reference'));
}

/** A list of references, default [], without duplicates (ignoring case). */
export function refListSchema(what: string) {
  return refArray(what).default([]);
}

/** A required list of at least one reference, without duplicates; `one` names an element ("environment"). */
export function requiredRefListSchema(what: string, one: string) {
  return refArray(what).min(1, { error: `${what} must name at least one ${one}` });
}

/** A tenant tag, `Set/Tag`. */
export const tenantTagSchema = z
  .string({ error: 'a tenant tag must be a string' })
  .regex(/^[^/]+\/[^/]+$/, { error: 'a tenant tag is written "Set/Tag"' });

/** A list of tenant tags, default [], without duplicates (ignoring case). */
export function tenantTagListSchema(what: string) {
  return z
    .array(tenantTagSchema, { error: `${what} must be a list of "Set/Tag" strings` })
    .superRefine((list, ctx) => checkNoDuplicates(list, ctx, (i) => [i], 'tag'))
    .default([]);
}

function roleArray(what: string) {
  return z
    .array(nameSchema('a role', 100), { error: listError(what, 'a list of strings') })
    .superRefine((list, ctx) => checkNoDuplicates(list, ctx, (i) => [i], 'role'));
}

/** Target roles (free-text tags that match steps to deployment targets), default [], no duplicates. */
export function roleListSchema(what: string) {
  return roleArray(what).default([]);
}

/** At least one target role, no duplicates. */
export function requiredRoleListSchema(what: string) {
  return roleArray(what).min(1, { error: `${what} must name at least one role` });
}

/** A list of plain strings (command arguments and the like), default []. */
export function stringListSchema(what: string, maxItem = 4096) {
  return z
    .array(textSchema(`each of ${what}`, maxItem), { error: `${what} must be a list of strings` })
    .default([]);
}

/** AWS region names (us-east-1, eu-west-2, us-gov-west-1, cn-north-1, ...). */
export const regionSchema = z
  .string({ error: 'region must be a string' })
  .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, { error: 'region must be an AWS region name such as us-east-1' });

/** The reference at `path` when `value` is set, else none. */
export function optionalRef(
  path: readonly (string | number)[],
  target: RefTarget,
  value: string | undefined,
): ResourceRef[] {
  return value === undefined ? [] : [{ path, target, value }];
}

/** One reference per element of a list at `path`. */
export function listRefs(
  path: readonly (string | number)[],
  target: RefTarget,
  values: readonly string[],
): ResourceRef[] {
  return values.map((value, i) => ({ path: [...path, i], target, value }));
}
