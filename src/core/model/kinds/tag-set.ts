/** Tag sets: ordered groups of tenant tags, written `Set/Tag` wherever a tag is used. */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind } from '../resource.js';
import { descriptionSchema } from './common.js';

const tagSchema = z.strictObject(
  {
    name: nameSchema('tag name', 100).refine((s) => !s.includes('/'), {
      error: 'tag name must not contain "/"',
    }),
    color: z
      .string({ error: 'color must be a string' })
      .regex(/^#[0-9a-fA-F]{6}$/, { error: 'color must be written #RRGGBB' })
      .default('#333333'),
    description: descriptionSchema,
  },
  { error: unknownFields('a tag') },
);

/** A tag set: a name (no "/") and its tags in order; tag names unique within the set, ignoring case. */
export const tagSetSchema = z
  .strictObject(
    {
      name: nameSchema('name', 100).refine((s) => !s.includes('/'), { error: 'name must not contain "/"' }),
      description: descriptionSchema,
      tags: z.array(tagSchema, { error: 'tags must be a list' }).default([]),
    },
    { error: unknownFields('a tag set') },
  )
  .superRefine((set, ctx) => {
    const seen = new Set<string>();
    set.tags.forEach((t, i) => {
      const key = t.name.toLowerCase();
      if (seen.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['tags', i, 'name'], message: `duplicate tag "${t.name}"` });
      }
      seen.add(key);
    });
  });

/** A TagSet document after validation (defaults filled in, references as written). */
export type TagSetDocument = z.output<typeof tagSetSchema>;

export const tagSetKind = defineKind({
  name: 'tag-set',
  label: 'tag set',
  plural: 'tag-sets',
  idPrefix: 'TagSets',
  schema: tagSetSchema,
  secretFields: [],
  refs: () => [],
  applyOrder: 1,
});
