/**
 * Users for the browser tests: `createUser(world, ...)` makes a user with a password through the
 * API (as the world's administrator) and, when asked, a team in the space granting them a role,
 * optionally limited to projects and environments. Sign in with kit.ts `signIn(page, name, password)`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { World } from '../helpers/slipway-world.js';

/** A team to put the new user in, granting `role` (e.g. `project-contributor`). */
export interface TeamSeed {
  name: string;
  role: string;
  /** Projects the grant is limited to (ids or names); none: all. */
  projectIds?: string[];
  /** Environments the grant is limited to (ids or names); none: all. */
  environmentIds?: string[];
  /** The space (default `Default`). */
  space?: string;
}

/** What createUser makes. */
export interface UserSeed {
  name: string;
  /** At least 12 characters, not the name (the server's rule). */
  password: string;
  isAdmin?: boolean;
  team?: TeamSeed;
}

/** A user createUser made. */
export interface CreatedUser {
  id: string;
  name: string;
  password: string;
  /** The team's id, when one was made. */
  teamId?: string;
}

async function must(world: World, method: string, path: string, body: unknown): Promise<{ id: string }> {
  const res = await world.request(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`);
  return res.json as { id: string };
}

/** Creates a user with a password (and optionally a team granting a role) through the API. */
export async function createUser(world: World, seed: UserSeed): Promise<CreatedUser> {
  const user = await must(world, 'POST', '/api/users', {
    name: seed.name,
    password: seed.password,
    ...(seed.isAdmin === undefined ? {} : { isAdmin: seed.isAdmin }),
  });
  const created: CreatedUser = { id: user.id, name: seed.name, password: seed.password };
  if (seed.team) {
    const { name, role, projectIds = [], environmentIds = [], space = 'Default' } = seed.team;
    const team = await must(world, 'POST', `/api/spaces/${encodeURIComponent(space)}/teams`, {
      name,
      members: [user.id],
      grants: [{ role, projects: projectIds, environments: environmentIds }],
    });
    created.teamId = team.id;
  }
  return created;
}

/** The first-start administrator's password, as the server wrote it to `<data dir>/admin-password`. */
export function adminPassword(world: World): string {
  return readFileSync(join(world.dir, 'data', 'admin-password'), 'utf8').trim();
}
