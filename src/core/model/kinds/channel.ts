/**
 * Channels: per project, which lifecycle a release follows and which package versions it may take
 * (version rules), and which tenants it may deploy to (tenant tags). A release belongs to one channel.
 */
import { z } from 'zod';
import { SlipwayError } from '../../errors.js';
import { compileLinearPattern } from '../../template/filters/regex.js';
import { parseVersionRange } from '../../versions/range.js';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind, type ResourceRef } from '../resource.js';
import {
  descriptionSchema,
  flagSchema,
  listRefs,
  optionalRef,
  refSchema,
  tenantTagListSchema,
} from './common.js';

/** A package reference of the project's process: the step and the reference's name in it. */
const rulePackageSchema = z.strictObject(
  { step: nameSchema('step'), package: nameSchema('package', 100) },
  { error: unknownFields('a rule package (write {"step": ..., "package": ...})') },
);

const versionRangeSchema = z.string({ error: 'versionRange must be a string' }).superRefine((range, ctx) => {
  try {
    parseVersionRange(range);
  } catch (e) {
    if (!(e instanceof SlipwayError)) throw e;
    ctx.addIssue({ code: 'custom', message: e.message });
  }
});

const preReleaseTagSchema = z
  .string({ error: 'preReleaseTag must be a string (a regular expression)' })
  .superRefine((pattern, ctx) => {
    const compiled = compileLinearPattern(pattern);
    if ('error' in compiled) {
      ctx.addIssue({
        code: 'custom',
        message: `preReleaseTag is not a usable regular expression (${compiled.error}); e.g. ^$ for no pre-release, ^beta for beta ones`,
      });
    }
  });

/**
 * A version rule: the package references it applies to (at least one), an optional version range
 * (`[2.0,3.0)`) and an optional regex on the pre-release tag (`^$` = no pre-release).
 */
const ruleSchema = z.strictObject(
  {
    packages: z
      .array(rulePackageSchema, { error: 'packages must be a list of {"step", "package"}' })
      .min(1, { error: 'a rule applies to at least one package reference' }),
    versionRange: versionRangeSchema.optional(),
    preReleaseTag: preReleaseTagSchema.optional(),
  },
  { error: unknownFields('a version rule') },
);

/**
 * A channel: name, description, lifecycle? (absent = the project's), isDefault (false), rules
 * (default []; a package reference in at most one rule) and tenantTags (which tenants it may deploy to).
 */
export const channelSchema = z
  .strictObject(
    {
      name: nameSchema('name'),
      description: descriptionSchema,
      lifecycle: refSchema('lifecycle').optional(),
      isDefault: flagSchema('isDefault').default(false),
      rules: z.array(ruleSchema, { error: 'rules must be a list' }).default([]),
      tenantTags: tenantTagListSchema('tenantTags'),
    },
    { error: unknownFields('a channel') },
  )
  .superRefine((channel, ctx) => {
    // Two rules on one package reference would leave unclear which range applies.
    const seen = new Map<string, number>();
    channel.rules.forEach((rule, i) => {
      rule.packages.forEach((p, j) => {
        const key = `${p.step.toLowerCase()}\u0000${p.package.toLowerCase()}`;
        const first = seen.get(key);
        if (first === undefined) seen.set(key, i);
        else {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'packages', j],
            message: `package "${p.package}" of step "${p.step}" is already in rules[${first}] (one rule per package reference)`,
          });
        }
      });
    });
  });

/** A Channel document after validation (defaults filled in, references as written). */
export type ChannelDocument = z.output<typeof channelSchema>;

export const channelKind = defineKind({
  name: 'channel',
  label: 'channel',
  plural: 'channels',
  idPrefix: 'Channels',
  parent: 'project',
  schema: channelSchema,
  secretFields: [],
  refs: (doc): ResourceRef[] => [
    ...optionalRef(['lifecycle'], 'lifecycle', doc.lifecycle),
    ...listRefs(['tenantTags'], 'tag', doc.tenantTags),
  ],
  applyOrder: 5,
});
