/** Feeds: where image tags come from (a Docker Registry v2, or Amazon ECR through an AWS account). */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind, type ResourceRef } from '../resource.js';
import { secretSchema } from '../secret.js';
import { refSchema, regionSchema } from './common.js';

const docker = z.strictObject(
  {
    name: nameSchema('name'),
    type: z.literal('docker'),
    url: z.url({
      protocol: /^https?$/,
      error: 'url must be an http(s) URL such as https://registry.example.com',
    }),
    username: z.string({ error: 'username must be a string' }).optional(),
    password: secretSchema('password').optional(),
  },
  { error: unknownFields('a Docker registry feed') },
);

const ecr = z.strictObject(
  {
    name: nameSchema('name'),
    type: z.literal('ecr'),
    region: regionSchema,
    /** An AWS account resource; absent means the server's ambient credentials. */
    awsAccount: refSchema('awsAccount').optional(),
  },
  { error: unknownFields('an ECR feed') },
);

/** A feed: `type` "docker" (url, optional username/password) or "ecr" (region, optional awsAccount). */
export const feedSchema = z.discriminatedUnion('type', [docker, ecr], {
  error: 'type must be "docker" or "ecr"',
});

export const feedKind = defineKind({
  name: 'feed',
  label: 'feed',
  plural: 'feeds',
  idPrefix: 'Feeds',
  schema: feedSchema,
  secretFields: [['password']],
  refs: (doc): ResourceRef[] =>
    doc.type === 'ecr' && doc.awsAccount !== undefined
      ? [{ path: ['awsAccount'], target: 'aws-account', value: doc.awsAccount }]
      : [],
  applyOrder: 3,
});
