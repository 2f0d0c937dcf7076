/** Channels. CONTRACT STUB: the schema is a placeholder, replaced by the model's full one. */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind } from '../resource.js';
import { descriptionSchema } from './common.js';

/** A channel. */
export const channelSchema = z.strictObject(
  { name: nameSchema('name'), description: descriptionSchema },
  { error: unknownFields('a channel') },
);

export const channelKind = defineKind({
  name: 'channel',
  label: 'channel',
  plural: 'channels',
  idPrefix: 'Channels',
  parent: 'project',
  schema: channelSchema,
  secretFields: [],
  refs: () => [],
  applyOrder: 5,
});
