/** Feeds: where image tags come from (a Docker Registry v2, or Amazon ECR through an AWS account). */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind, type ResourceRef } from '../resource.js';
import { secretSchema } from '../secret.js';
import { descriptionSchema, optionalRef, refSchema, regionSchema } from './common.js';

/** True when `url` carries `user[:password]@` (shown to every viewer, the audit log and exports if stored). */
function hasCredentials(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

const docker = z
  .strictObject(
    {
      name: nameSchema('name'),
      description: descriptionSchema,
      type: z.literal('docker'),
      url: z
        .url({
          protocol: /^https?$/,
          error: 'url must be an http(s) URL such as https://registry.example.com',
        })
        .refine((url) => !hasCredentials(url), {
          error:
            'url must not contain a username or password (https://user:password@...): put them in the ' +
            "feed's username and password fields, where the password is kept encrypted and never shown",
        }),
      username: z.string({ error: 'username must be a string' }).optional(),
      password: secretSchema('password').optional(),
    },
    { error: unknownFields('a Docker registry feed') },
  )
  .superRefine((feed, ctx) => {
    // Registries authenticate with both (basic auth or a token exchange); a lone password is a mistake.
    if (typeof feed.password === 'string' && feed.username === undefined) {
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'username is required with a password' });
    }
  });

const ecr = z.strictObject(
  {
    name: nameSchema('name'),
    description: descriptionSchema,
    type: z.literal('ecr'),
    region: regionSchema,
    /** An AWS account resource; absent means the server's ambient credentials. */
    awsAccount: refSchema('awsAccount').optional(),
  },
  { error: unknownFields('an ECR feed') },
);

/**
 * A feed: `type` "docker" (url, username?, password?) or "ecr" (region, awsAccount?), both with
 * name and description.
 */
export const feedSchema = z.discriminatedUnion('type', [docker, ecr], {
  error: 'type must be "docker" or "ecr"',
});

/** A Feed document after validation (defaults filled in, references as written). */
export type FeedDocument = z.output<typeof feedSchema>;

export const feedKind = defineKind({
  name: 'feed',
  label: 'feed',
  plural: 'feeds',
  idPrefix: 'Feeds',
  schema: feedSchema,
  secretFields: [['password']],
  refs: (doc): ResourceRef[] =>
    doc.type === 'ecr' ? optionalRef(['awsAccount'], 'aws-account', doc.awsAccount) : [],
  applyOrder: 3,
});
