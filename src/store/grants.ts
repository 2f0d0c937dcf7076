/**
 * A user's grants: the roles their teams give them, per space. Teams are resource documents of
 * kind `team` whose `members` hold user ids and whose `grants` hold project, environment and
 * tenant ids (the resources store rewrites names to ids), so one containment query finds them.
 */
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { ROLES, type AccessScope, type Grant } from '../core/model/permissions.js';
import type { Database, JsonValue } from './types.js';

/** A grant and the team it comes from. */
export interface TeamGrant extends Grant {
  team: { id: string; name: string };
}

/** The names of what a scope names, for messages; a missing thing keeps its id. */
export interface ScopeNames {
  project?: string;
  environment?: string;
  tenant?: string;
}

const ids = z.array(z.string()).optional();
const storedGrantSchema = z.object({ role: z.enum(ROLES), projects: ids, environments: ids, tenants: ids });
const storedTeamSchema = z.object({ grants: z.array(z.unknown()).default([]) });

// A stored team was validated on the way in; anything unreadable grants nothing (fail closed).
function grantsOfTeam(id: string, name: string, data: JsonValue): TeamGrant[] {
  const team = storedTeamSchema.safeParse(data);
  if (!team.success) return [];
  return team.data.grants.flatMap((raw) => {
    const g = storedGrantSchema.safeParse(raw);
    if (!g.success) return [];
    return [
      {
        role: g.data.role,
        ...(g.data.projects ? { projectIds: g.data.projects } : {}),
        ...(g.data.environments ? { environmentIds: g.data.environments } : {}),
        ...(g.data.tenants ? { tenantIds: g.data.tenants } : {}),
        team: { id, name },
      },
    ];
  });
}

/** Team grants over `db` (a Kysely instance or a transaction). */
export function grantsRepository(db: Kysely<Database>) {
  const teamsOf = (userId: string) =>
    db
      .selectFrom('resources')
      .select(['id', 'space_id', 'name', 'data'])
      .where('kind', '=', 'team')
      .where(sql<boolean>`data @> ${JSON.stringify({ members: [userId] })}::jsonb`)
      .orderBy('space_id')
      .orderBy(sql`lower(name)`)
      .orderBy('id');

  return {
    /** The grants of the teams in `spaceId` that have `userId` as a member, team by team (name order). */
    async ofUser(spaceId: string, userId: string): Promise<TeamGrant[]> {
      const rows = await teamsOf(userId).where('space_id', '=', spaceId).execute();
      return rows.flatMap((r) => grantsOfTeam(r.id, r.name, r.data));
    },

    /** The user's team grants in every space where they have some: space id → grants. */
    async ofUserBySpace(userId: string): Promise<Map<string, TeamGrant[]>> {
      const bySpace = new Map<string, TeamGrant[]>();
      for (const r of await teamsOf(userId).execute()) {
        const list = bySpace.get(r.space_id) ?? [];
        list.push(...grantsOfTeam(r.id, r.name, r.data));
        bySpace.set(r.space_id, list);
      }
      return bySpace;
    },

    /** The names of the project, environment and tenant `scope` names in `spaceId` (ids when not found). */
    async scopeNames(spaceId: string, scope: AccessScope): Promise<ScopeNames> {
      const names: ScopeNames = {};
      if (scope.environmentId !== undefined) {
        const row = await db
          .selectFrom('environments')
          .select('name')
          .where('space_id', '=', spaceId)
          .where('id', '=', scope.environmentId)
          .executeTakeFirst();
        names.environment = row?.name ?? scope.environmentId;
      }
      for (const [field, kind] of [
        ['projectId', 'project'],
        ['tenantId', 'tenant'],
      ] as const) {
        const id = scope[field];
        if (id === undefined) continue;
        const row = await db
          .selectFrom('resources')
          .select('name')
          .where('space_id', '=', spaceId)
          .where('kind', '=', kind)
          .where('id', '=', id)
          .executeTakeFirst();
        names[kind] = row?.name ?? id;
      }
      return names;
    },
  };
}

/** The grants repository's type. */
export type GrantsRepository = ReturnType<typeof grantsRepository>;
