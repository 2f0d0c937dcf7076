/** ECS cluster targets. CONTRACT STUB: the schema is a placeholder, replaced by the model's full one. */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind } from '../resource.js';
import { descriptionSchema } from './common.js';

/** A ECS cluster target. */
export const ecsTargetSchema = z.strictObject(
  { name: nameSchema('name'), description: descriptionSchema },
  { error: unknownFields('a ECS cluster target') },
);

export const ecsTargetKind = defineKind({
  name: 'ecs-target',
  label: 'ECS cluster target',
  plural: 'ecs-targets',
  idPrefix: 'EcsTargets',
  schema: ecsTargetSchema,
  secretFields: [],
  refs: () => [],
  applyOrder: 7,
});
