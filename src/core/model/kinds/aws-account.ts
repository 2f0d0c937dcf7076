/**
 * AWS accounts: the credentials steps, targets and ECR feeds use. Three modes: an access key pair
 * (the secret stored encrypted), a role to assume (from another account's credentials or the ambient
 * chain), or the server's ambient credential chain itself.
 */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind, type ResourceRef } from '../resource.js';
import { secretSchema } from '../secret.js';
import { accessKeyIdSchema, externalIdSchema, roleArnSchema, sessionDurationSchema } from './aws.js';
import {
  descriptionSchema,
  listRefs,
  optionalRef,
  refListSchema,
  refSchema,
  regionSchema,
} from './common.js';

/** Fields every mode has, first... */
const identity = { name: nameSchema('name'), description: descriptionSchema };
/** ...and last. */
const placement = {
  /** The region calls default to when a step or target names none. */
  region: regionSchema.optional(),
  /** Where the account may be used; empty = anywhere. */
  environments: refListSchema('environments'),
  /** Which tenants' deployments may use it; empty = any. */
  tenants: refListSchema('tenants'),
};

const keys = z
  .strictObject(
    {
      ...identity,
      mode: z.literal('keys'),
      accessKeyId: accessKeyIdSchema,
      secretAccessKey: secretSchema('secretAccessKey'),
      ...placement,
    },
    { error: unknownFields('an AWS account with mode "keys"') },
  )
  .superRefine((a, ctx) => {
    if (a.secretAccessKey === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['secretAccessKey'],
        message: 'secretAccessKey is required in mode "keys" (use mode "ambient" for no keys)',
      });
    }
  });

const role = z
  .strictObject(
    {
      ...identity,
      mode: z.literal('role'),
      roleArn: roleArnSchema(),
      externalId: externalIdSchema.optional(),
      sessionDurationSeconds: sessionDurationSchema,
      /** The account whose credentials assume the role; absent = the ambient credential chain. */
      sourceAccount: refSchema('sourceAccount').optional(),
      ...placement,
    },
    { error: unknownFields('an AWS account with mode "role"') },
  )
  .superRefine((a, ctx) => {
    if (a.sourceAccount !== undefined && a.sourceAccount.toLowerCase() === a.name.toLowerCase()) {
      ctx.addIssue({
        code: 'custom',
        path: ['sourceAccount'],
        message:
          'sourceAccount must be another account (leave it out to assume the role from the ambient credentials)',
      });
    }
  });

const ambient = z.strictObject(
  {
    ...identity,
    mode: z.literal('ambient'),
    ...placement,
  },
  { error: unknownFields('an AWS account with mode "ambient"') },
);

/**
 * An AWS account: `mode` "keys" (accessKeyId, secretAccessKey), "role" (roleArn, externalId?,
 * sessionDurationSeconds = 3600, sourceAccount?) or "ambient"; all have region?, environments, tenants.
 */
export const awsAccountSchema = z.discriminatedUnion('mode', [keys, role, ambient], {
  error: 'mode must be "keys", "role" or "ambient"',
});

/** A AwsAccount document after validation (defaults filled in, references as written). */
export type AwsAccountDocument = z.output<typeof awsAccountSchema>;

export const awsAccountKind = defineKind({
  name: 'aws-account',
  label: 'AWS account',
  plural: 'aws-accounts',
  idPrefix: 'AwsAccounts',
  schema: awsAccountSchema,
  secretFields: [['secretAccessKey']],
  refs: (doc): ResourceRef[] => [
    ...(doc.mode === 'role' ? optionalRef(['sourceAccount'], 'aws-account', doc.sourceAccount) : []),
    ...listRefs(['environments'], 'environment', doc.environments),
    ...listRefs(['tenants'], 'tenant', doc.tenants),
  ],
  applyOrder: 2,
});
