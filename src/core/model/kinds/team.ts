/** Teams: users and the roles granted to them, each optionally limited to projects, environments and tenants. */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { ROLES } from '../permissions.js';
import { defineKind, type ResourceRef } from '../resource.js';
import { descriptionSchema, enumSchema, listRefs, refListSchema } from './common.js';

/** A role granted to the team's members; an empty list leaves that dimension unrestricted. */
const grantSchema = z.strictObject(
  {
    role: enumSchema('role', ROLES),
    projects: refListSchema('projects'),
    environments: refListSchema('environments'),
    tenants: refListSchema('tenants'),
  },
  { error: unknownFields('a grant') },
);

/** A team: name, description, members (users), grants. */
export const teamSchema = z.strictObject(
  {
    name: nameSchema('name'),
    description: descriptionSchema,
    members: refListSchema('members'),
    grants: z.array(grantSchema, { error: 'grants must be a list' }).default([]),
  },
  { error: unknownFields('a team') },
);

/** A Team document after validation (defaults filled in, references as written). */
export type TeamDocument = z.output<typeof teamSchema>;

export const teamKind = defineKind({
  name: 'team',
  label: 'team',
  plural: 'teams',
  idPrefix: 'Teams',
  schema: teamSchema,
  secretFields: [],
  refs: (doc): ResourceRef[] => [
    ...listRefs(['members'], 'user', doc.members),
    ...doc.grants.flatMap((g, i) => [
      ...listRefs(['grants', i, 'projects'], 'project', g.projects),
      ...listRefs(['grants', i, 'environments'], 'environment', g.environments),
      ...listRefs(['grants', i, 'tenants'], 'tenant', g.tenants),
    ]),
  ],
  applyOrder: 8,
});
