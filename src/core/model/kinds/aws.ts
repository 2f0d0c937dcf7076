/** AWS identifiers shared by AWS accounts, ECS targets and the ECS steps: keys, role ARNs, assume-role settings. */
import { z } from 'zod';
import { unknownFields } from '../parse.js';
import { textSchema, wholeNumberSchema } from './common.js';

/** The partition part of every ARN: aws, aws-cn, aws-us-gov, ... */
export const ARN_PARTITION = 'arn:aws[-a-z]*';

/** An IAM role name or path component (IAM's character set). */
const ROLE_NAME = '[\\w+=,.@-]{1,64}';
const ROLE_ARN = new RegExp(`^${ARN_PARTITION}:iam::\\d{12}:role/(?:[\\w+=,.@-]+/)*${ROLE_NAME}$`);

/** An access key id: AKIA (long-term) or ASIA (temporary) and 16..124 upper-case letters or digits. */
export const accessKeyIdSchema = z
  .string({ error: 'accessKeyId must be a string' })
  .regex(/^(AKIA|ASIA)[A-Z0-9]{16,124}$/, {
    error:
      'accessKeyId must be an AWS access key id: AKIA or ASIA followed by 16 or more upper-case letters and digits',
  });

/** The ARN of an IAM role, e.g. arn:aws:iam::123456789012:role/deployer (a path is allowed). */
export function roleArnSchema(what = 'roleArn') {
  return z.string({ error: `${what} must be a string` }).regex(ROLE_ARN, {
    error: `${what} must be an IAM role ARN such as arn:aws:iam::123456789012:role/deployer`,
  });
}

/** An IAM role ARN or a bare role name (ECS task and execution roles take either). */
export const ROLE_ARN_OR_NAME = new RegExp(`${ROLE_ARN.source}|^${ROLE_NAME}$`);

/** The external id the role's trust policy demands (STS: 2..1224 of letters, digits and +=,.@:/-). */
export const externalIdSchema = z
  .string({ error: 'externalId must be a string' })
  .regex(/^[\w+=,.@:/-]{2,1224}$/, {
    error: 'externalId must be 2 to 1224 letters, digits or any of + = , . @ : / - _',
  });

/** How long an assumed role's credentials last: 900..43200 seconds, default 3600 (refreshed during long waits). */
export const sessionDurationSchema = wholeNumberSchema('sessionDurationSeconds', 900, 43_200).default(3600);

/** A role to assume on top of other credentials (ECS targets). */
export const assumeRoleSchema = z.strictObject(
  {
    roleArn: roleArnSchema(),
    externalId: externalIdSchema.optional(),
    sessionDurationSeconds: sessionDurationSchema,
  },
  { error: unknownFields('assumeRole') },
);

/** A resource tag: key 1..128 characters (not starting with the reserved "aws:"), value ≤ 256. */
export const awsTagSchema = z.strictObject(
  {
    key: z
      .string({ error: 'key must be a string' })
      .min(1, { error: 'key must not be empty', abort: true })
      .max(128, { error: 'key must be at most 128 characters', abort: true })
      .refine((k) => !k.toLowerCase().startsWith('aws:'), {
        error: 'key must not start with "aws:" (reserved by AWS)',
      }),
    value: textSchema('value', 256),
  },
  { error: unknownFields('a tag') },
);

/** A list of tags, default [], at most `max`, keys unique. */
export function awsTagListSchema(max: number) {
  return z
    .array(awsTagSchema, { error: 'tags must be a list of {"key", "value"}' })
    .max(max, { error: `at most ${max} tags are allowed` })
    .superRefine((tags, ctx) => {
      const seen = new Set<string>();
      tags.forEach((t, i) => {
        if (seen.has(t.key))
          ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `duplicate tag key "${t.key}"` });
        seen.add(t.key);
      });
    })
    .default([]);
}
