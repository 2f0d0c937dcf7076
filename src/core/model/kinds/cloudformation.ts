/**
 * The two generic CloudFormation actions (docs/steps.md): "cloudformation-deploy" creates or
 * updates a stack from a template written in the step, "cloudformation-delete" deletes one. Both
 * run once per matching deployment target, in its account and region. String properties may
 * contain `#{...}`; what a template hides is checked again after evaluation
 * (checkEvaluatedStackAction).
 */
import { z } from 'zod';
import { unknownFields } from '../parse.js';
import { awsTagListSchema } from './aws.js';
import { packagesSchema } from './action-parts.js';
import {
  checkNoDuplicates,
  enumSchema,
  flagSchema,
  isTemplate,
  patternOrTemplateSchema,
  templatable,
  textSchema,
  wholeNumberSchema,
} from './common.js';

/** AWS's stack name rule. */
export const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;
const STACK_NAME_RULE = 'a stack name: a letter, then letters, digits or "-", at most 128 characters';

/** CloudFormation's largest TemplateBody, in bytes. */
export const MAX_TEMPLATE_BYTES = 51_200;

/** The capabilities a template may need. */
export const STACK_CAPABILITIES = [
  'CAPABILITY_IAM',
  'CAPABILITY_NAMED_IAM',
  'CAPABILITY_AUTO_EXPAND',
] as const;

/** At most this many parameters per stack (AWS quota). */
const MAX_PARAMETERS = 200;

const stackNameSchema = patternOrTemplateSchema('stackName', STACK_NAME, STACK_NAME_RULE, 128);

/** How to wait: until the final status (failing on a failed or rolled-back one), or not at all. */
const waitSchema = z
  .strictObject(
    {
      /** "wait": until the stack's final status; "no-wait": once CloudFormation accepted the operation. */
      mode: enumSchema('mode', ['wait', 'no-wait']).default('wait'),
      timeoutMinutes: templatable(wholeNumberSchema('timeoutMinutes', 1, 1440), 'timeoutMinutes').default(30),
    },
    { error: unknownFields('wait') },
  )
  .prefault({});

const PACKAGE_TEMPLATE =
  'template must be the template itself, as text (JSON or YAML). Templates from a package are not supported: ' +
  "Slipway's feeds hold container images, whose files it does not fetch; paste the template into the step";

/** The template, inline. */
const templateSchema = z
  .string({
    error: (issue) =>
      issue.input !== null && typeof issue.input === 'object'
        ? PACKAGE_TEMPLATE
        : issue.input === undefined
          ? 'template is required'
          : 'template must be a string (the template, JSON or YAML)',
  })
  .min(1, { error: 'template must not be empty', abort: true })
  .refine((s) => new TextEncoder().encode(s).length <= MAX_TEMPLATE_BYTES, {
    error: `template must be at most ${MAX_TEMPLATE_BYTES} bytes (CloudFormation's limit for a template body)`,
  });

const parameterSchema = z.strictObject(
  {
    key: z
      .string({ error: 'key must be a string' })
      .regex(/^[a-zA-Z0-9]{1,255}$/, { error: 'key must be a template parameter name: letters and digits' }),
    value: textSchema('value', 4096),
  },
  { error: unknownFields('a parameter') },
);

/** Deploy a CloudFormation template: create the stack, or update it. */
export const cloudformationDeployActionSchema = z.strictObject(
  {
    type: z.literal('cloudformation-deploy'),
    stackName: stackNameSchema,
    template: templateSchema,
    parameters: z
      .array(parameterSchema, { error: 'parameters must be a list of {"key", "value"}' })
      .max(MAX_PARAMETERS, { error: `a stack takes at most ${MAX_PARAMETERS} parameters` })
      .superRefine((ps, ctx) =>
        checkNoDuplicates(
          ps.map((p) => p.key),
          ctx,
          (i) => [i, 'key'],
          'parameter',
        ),
      )
      .default([]),
    capabilities: z
      .array(enumSchema('each capability', STACK_CAPABILITIES), {
        error: 'capabilities must be a list',
      })
      .superRefine((cs, ctx) => checkNoDuplicates(cs, ctx, (i) => [i], 'capability'))
      .default([]),
    tags: awsTagListSchema(50),
    disableRollback: flagSchema('disableRollback').default(false),
    wait: waitSchema,
    packages: packagesSchema,
  },
  { error: unknownFields('a "cloudformation-deploy" action') },
);

/** Delete a CloudFormation stack (success when there is none). */
export const cloudformationDeleteActionSchema = z.strictObject(
  {
    type: z.literal('cloudformation-delete'),
    stackName: stackNameSchema,
    wait: waitSchema,
    packages: packagesSchema,
  },
  { error: unknownFields('a "cloudformation-delete" action') },
);

export type CloudformationDeployAction = z.output<typeof cloudformationDeployActionSchema>;
export type CloudformationDeleteAction = z.output<typeof cloudformationDeleteActionSchema>;

/**
 * The rules a `#{...}` template could hide, checked on the evaluated action: the stack name and
 * the timeout. Returns the problems (empty when fine).
 */
export function checkEvaluatedStackAction(action: {
  stackName: string;
  wait: { timeoutMinutes: number | string };
}): string[] {
  const problems: string[] = [];
  if (!STACK_NAME.test(action.stackName))
    problems.push(`stackName "${action.stackName}" must be ${STACK_NAME_RULE}`);
  const t = action.wait.timeoutMinutes;
  const minutes = typeof t === 'number' ? t : isTemplate(t) ? NaN : Number(t);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)
    problems.push(`wait.timeoutMinutes "${t}" must be a whole number from 1 to 1440`);
  return problems;
}

/** The evaluated timeout in minutes (after checkEvaluatedStackAction passed). */
export function timeoutMinutesOf(action: { wait: { timeoutMinutes: number | string } }): number {
  return Number(action.wait.timeoutMinutes);
}
