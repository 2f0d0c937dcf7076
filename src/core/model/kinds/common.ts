/** Field schemas several kinds share. */
import { z } from 'zod';
import { MAX_DESCRIPTION_LENGTH } from '../environment.js';

/** A free-text description, default "". */
export const descriptionSchema = z
  .string({ error: 'description must be a string' })
  .max(MAX_DESCRIPTION_LENGTH, { error: `description must be at most ${MAX_DESCRIPTION_LENGTH} characters` })
  .default('');

/** A reference to another resource by id or name (the store rewrites names to ids). */
export function refSchema(what: string) {
  return z
    .string({ error: `${what} must be a string (an id or a name)` })
    .min(1, { error: `${what} must not be empty` });
}

/** A list of references, default []. */
export function refListSchema(what: string) {
  return z.array(refSchema(`each of ${what}`), { error: `${what} must be a list` }).default([]);
}

/** A tenant tag, `Set/Tag`. */
export const tenantTagSchema = z
  .string({ error: 'a tenant tag must be a string' })
  .regex(/^[^/]+\/[^/]+$/, { error: 'a tenant tag is written "Set/Tag"' });

/** AWS region names (us-east-1, eu-west-2, us-gov-west-1, cn-north-1, ...). */
export const regionSchema = z
  .string({ error: 'region must be a string' })
  .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, { error: 'region must be an AWS region name such as us-east-1' });
