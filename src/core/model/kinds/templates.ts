/**
 * Variable templates: the variables a tenant fills in. A project's templates get a value per
 * connected tenant × environment; a library set's ("common") templates one value per tenant.
 */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { checkNoDuplicates, enumSchema, oneOf, textSchema } from './common.js';

/** The kinds of template: free text, a secret, or a choice among options. */
export const TEMPLATE_TYPES = ['text', 'sensitive', 'select'] as const;

/**
 * One template: name (as variables are named), label?, helpText?, type (default "text"),
 * defaultValue? (not for sensitive ones; for select ones one of the options) and options (value →
 * display text; only and required for "select").
 */
export const variableTemplateSchema = z
  .strictObject(
    {
      name: nameSchema('name', 500),
      label: textSchema('label', 200).optional(),
      helpText: textSchema('helpText').optional(),
      type: enumSchema('type', TEMPLATE_TYPES).default('text'),
      defaultValue: textSchema('defaultValue', 100_000).optional(),
      options: z
        .record(z.string(), z.string({ error: 'each option must map a value to its display text' }), {
          error: 'options must map values to display texts',
        })
        .optional(),
    },
    { error: unknownFields('a variable template') },
  )
  .superRefine((t, ctx) => {
    if (t.type === 'sensitive' && t.defaultValue !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultValue'],
        message: 'a sensitive template has no defaultValue (secrets are set per tenant)',
      });
    }
    if (t.type !== 'select' && t.options !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'options are only for type "select"' });
    }
    if (t.type === 'select') {
      const values = Object.keys(t.options ?? {});
      if (values.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['options'],
          message: 'a "select" template needs at least one option',
        });
      } else if (t.defaultValue !== undefined && !values.includes(t.defaultValue)) {
        ctx.addIssue({
          code: 'custom',
          path: ['defaultValue'],
          message: `defaultValue must be one of the options: ${oneOf(values)}`,
        });
      }
    }
  });

/** A list of templates, default [], names unique ignoring case. */
export const variableTemplatesSchema = z
  .array(variableTemplateSchema, { error: 'templates must be a list' })
  .superRefine((templates, ctx) =>
    checkNoDuplicates(
      templates.map((t) => t.name),
      ctx,
      (i) => [i, 'name'],
      'template name',
    ),
  )
  .default([]);

/** A variable template after validation. */
export type VariableTemplate = z.output<typeof variableTemplateSchema>;
