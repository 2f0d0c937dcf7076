/**
 * Schemas for variables and deployment contexts, for every boundary that receives them (HTTP,
 * config files, CLI JSON). parseScopedVariables / parseDeploymentContext throw INVALID_INPUT with
 * messages that name the field and the rule.
 */
import { z } from 'zod';
import { SlipwayError } from '../errors.js';
import { SCOPE_KEYS } from './scope.js';
import type {
  DeploymentContext,
  ScopedVariable,
  VariablePrompt,
  VariableScope,
  VariableSource,
} from './types.js';

const VARIABLE_TYPES = ['text', 'sensitive', 'aws-account', 'certificate', 'worker-pool'] as const;
const PROMPT_CONTROLS = ['single-line', 'multi-line', 'checkbox', 'select'] as const;
// Control characters in a name or id are always a paste accident, and break logs and URLs.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function oneOf(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

/** A non-empty string without surrounding blanks or control characters (names, ids, scope values). */
function token(what: string) {
  return (
    z
      .string({ error: `${what} must be a string` })
      // abort: one message per bad value, not every rule it also fails.
      .min(1, { error: `${what} must not be empty`, abort: true })
      .refine((s) => s.trim() === s, { error: `${what} must not start or end with whitespace`, abort: true })
      .refine((s) => !CONTROL.test(s), { error: `${what} must not contain control characters`, abort: true })
  );
}

const tenantTag = token('a tenant tag').refine((s) => /^[^/]+\/.+$/.test(s), {
  error: 'a tenant tag is written "Set/Tag"',
});

function list(item: z.ZodType<string>, what: string) {
  return z.array(item, { error: `${what} must be a list of strings` });
}

/** A scope: optional lists per dimension; an empty list is the same as no list (unscoped on that dimension). */
export const variableScopeSchema = z.strictObject(
  {
    environments: list(token('an environment'), 'environments').optional(),
    targets: list(token('a target'), 'targets').optional(),
    roles: list(token('a role'), 'roles').optional(),
    steps: list(token('a step'), 'steps').optional(),
    channels: list(token('a channel'), 'channels').optional(),
    tenants: list(token('a tenant'), 'tenants').optional(),
    tenantTags: list(tenantTag, 'tenantTags').optional(),
    processes: list(token('a process'), 'processes').optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown scope key${issue.keys.length > 1 ? 's' : ''} ${oneOf(issue.keys)} (scope keys are ${oneOf(SCOPE_KEYS)})`
        : 'a scope must be an object of lists',
  },
) satisfies z.ZodType<VariableScope>;

/** A prompt; `select` needs options, and only `select` may have them. */
export const variablePromptSchema = z
  .strictObject(
    {
      label: token('a prompt label'),
      description: z.string().optional(),
      required: z.boolean({ error: 'required must be true or false' }),
      control: z.enum(PROMPT_CONTROLS, { error: `control must be one of ${oneOf(PROMPT_CONTROLS)}` }),
      options: z
        .record(z.string(), z.string(), { error: 'options must map values to display texts' })
        .optional(),
    },
    { error: unknownField('a prompt') },
  )
  .superRefine((prompt, ctx) => {
    const count = Object.keys(prompt.options ?? {}).length;
    if (prompt.control === 'select' && count === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: 'a "select" prompt needs at least one option',
      });
    }
    if (prompt.control !== 'select' && prompt.options !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'options are only for control "select"' });
    }
  }) satisfies z.ZodType<VariablePrompt>;

function unknownField(what: string) {
  return (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys' && issue.keys !== undefined
      ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${oneOf(issue.keys)} in ${what}`
      : `${what} must be an object`;
}

/** The project, or a library set (includeOrder: its position in the project's included sets, 0 first). */
export const variableSourceSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('project') }, { error: unknownField('a project source') }),
    z.strictObject(
      {
        kind: z.literal('library'),
        setId: token('setId'),
        setName: token('setName'),
        includeOrder: z
          .number({ error: 'includeOrder must be a number' })
          .int({ error: 'includeOrder must be a whole number' })
          .min(0, { error: 'includeOrder must not be negative' })
          .optional(),
      },
      { error: unknownField('a library source') },
    ),
  ],
  { error: 'source must be {"kind": "project"} or {"kind": "library", "setId": ..., "setName": ...}' },
) satisfies z.ZodType<VariableSource>;

/** One variable value. `scope` may be omitted (unscoped). */
export const scopedVariableSchema = z.strictObject(
  {
    id: token('id'),
    name: token('name'),
    value: z.string({ error: 'value must be a string' }),
    type: z.enum(VARIABLE_TYPES, { error: `type must be one of ${oneOf(VARIABLE_TYPES)}` }),
    scope: variableScopeSchema.default({}),
    source: variableSourceSchema,
    description: z.string({ error: 'description must be a string' }).optional(),
    prompt: variablePromptSchema.optional(),
  },
  { error: unknownField('a variable') },
) satisfies z.ZodType<ScopedVariable>;

/** A list of variables; ids must be unique (the final tie-break relies on them). */
export const scopedVariablesSchema = z
  .array(scopedVariableSchema, { error: 'variables must be a list' })
  .superRefine((variables, ctx) => {
    const seen = new Map<string, number>();
    variables.forEach((v, i) => {
      const first = seen.get(v.id);
      if (first === undefined) seen.set(v.id, i);
      else
        ctx.addIssue({
          code: 'custom',
          path: [i, 'id'],
          message: `duplicate id "${v.id}" (also [${first}])`,
        });
    });
  }) satisfies z.ZodType<ScopedVariable[]>;

function holder(what: string) {
  return z.strictObject(
    { id: token(`${what} id`), roles: list(token('a role'), 'roles').default([]) },
    { error: unknownField(`the ${what}`) },
  );
}

/** What a deployment (and the step/target being evaluated) is; omit `tenant` for an untenanted deployment. */
export const deploymentContextSchema = z.strictObject(
  {
    environment: token('environment'),
    tenant: z
      .strictObject(
        { id: token('tenant id'), tags: list(tenantTag, 'tags').default([]) },
        { error: unknownField('the tenant') },
      )
      .optional(),
    channel: token('channel').optional(),
    target: holder('target').optional(),
    step: holder('step').optional(),
    process: token('process').optional(),
  },
  { error: unknownField('a deployment context') },
) satisfies z.ZodType<DeploymentContext>;

function describePath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${String(p)}`;
  return out;
}

function parseWith<T>(schema: z.ZodType<T>, input: unknown, root: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${describePath(root, i.path)}: ${i.message}`);
  throw new SlipwayError('INVALID_INPUT', `Invalid ${root}: ${issues.join('; ')}`, { data: { issues } });
}

/** Validates a list of variables (throws INVALID_INPUT naming each bad field). */
export function parseScopedVariables(input: unknown): ScopedVariable[] {
  return parseWith(scopedVariablesSchema, input, 'variables');
}

/** Validates a deployment context (throws INVALID_INPUT naming each bad field). */
export function parseDeploymentContext(input: unknown): DeploymentContext {
  return parseWith(deploymentContextSchema, input, 'context');
}
