/** AWS accounts. CONTRACT STUB: the schema is a placeholder, replaced by the model's full one. */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind } from '../resource.js';
import { descriptionSchema } from './common.js';

/** A AWS account. */
export const awsAccountSchema = z.strictObject(
  { name: nameSchema('name'), description: descriptionSchema },
  { error: unknownFields('a AWS account') },
);

export const awsAccountKind = defineKind({
  name: 'aws-account',
  label: 'AWS account',
  plural: 'aws-accounts',
  idPrefix: 'AwsAccounts',
  schema: awsAccountSchema,
  secretFields: [],
  refs: () => [],
  applyOrder: 2,
});
