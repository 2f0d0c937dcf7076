/**
 * Users and their API keys (server-wide: users belong to no space), and `GET /api/me`: who the
 * caller is and what their teams let them do in each space. Creating users and reading others'
 * keys takes `user.*` permissions, which only administrators hold; anyone may manage their own keys.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SlipwayError } from '../../core/errors.js';
import { listQuerySchema } from '../../core/model/page.js';
import { nameSchema, parseInput, unknownFields } from '../../core/model/parse.js';
import { allows, PERMISSIONS, type Grant, type Permission } from '../../core/model/permissions.js';
import { apiKeysRepository, type ApiKeyInfo, type User } from '../../store/api-keys.js';
import { grantsRepository, type TeamGrant } from '../../store/grants.js';
import { spacesRepository } from '../../store/spaces.js';
import { checkNewPassword, passwordsRepository } from '../../store/passwords.js';
import { listUsers } from '../../store/users.js';
import { authorize } from '../access.js';
import { authenticatedUser, resolveActor } from '../actor.js';
import type { ServerDeps } from '../deps.js';
import { param, type NamedSchema, type RouteSpec } from '../route.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  isAdmin: z.boolean().meta({ description: 'Administrators hold every permission in every space.' }),
  createdAt: z.iso.datetime(),
  disabledAt: z.iso
    .datetime()
    .nullable()
    .meta({ description: 'Set once disabled: their keys no longer work.' }),
});

const apiKeySchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  prefix: z
    .string()
    .meta({ description: 'The public part of the key (`slw_<prefix>_...`), to tell keys apart.' }),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable().meta({ description: 'Recorded to the minute.' }),
});

const ids = (what: string) =>
  z.array(z.string()).meta({ description: `The ${what} the grant is limited to; empty = all.` });
const grantSchema = z.object({
  role: z.string(),
  team: z
    .object({ id: z.string(), name: z.string() })
    .nullable()
    .meta({ description: 'The team that grants it; null for the administrator flag.' }),
  projectIds: ids('projects'),
  environmentIds: ids('environments'),
  tenantIds: ids('tenants'),
});

const meSchema = userSchema.extend({
  spaces: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      grants: z.array(grantSchema),
      permissions: z
        .array(z.string())
        .meta({ description: 'The permissions held everywhere in the space (not only in some projects).' }),
    }),
  ),
});

type UserJson = z.output<typeof userSchema>;
type ApiKeyJson = z.output<typeof apiKeySchema>;
type GrantJson = z.output<typeof grantSchema>;

function userJson(u: User): UserJson {
  return {
    id: u.id,
    name: u.name,
    isAdmin: u.isAdmin,
    createdAt: u.createdAt.toISOString(),
    disabledAt: iso(u.disabledAt),
  };
}

function apiKeyJson(k: ApiKeyInfo): ApiKeyJson {
  return {
    id: k.id,
    userId: k.userId,
    name: k.name,
    prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    expiresAt: iso(k.expiresAt),
    revokedAt: iso(k.revokedAt),
    lastUsedAt: iso(k.lastUsedAt),
  };
}

function grantJson(g: Grant & { team?: TeamGrant['team'] }): GrantJson {
  return {
    role: g.role,
    team: g.team ?? null,
    projectIds: [...(g.projectIds ?? [])],
    environmentIds: [...(g.environmentIds ?? [])],
    tenantIds: [...(g.tenantIds ?? [])],
  };
}

const userCreateSchema = z.strictObject(
  {
    name: nameSchema('name'),
    isAdmin: z.boolean({ error: 'isAdmin must be true or false' }).optional(),
    password: z.string({ error: 'password must be a string' }).optional().meta({
      description: 'For the web UI: at least 12 characters, not the user name. Without it: keys only.',
    }),
  },
  { error: unknownFields('user') },
);

const apiKeyCreateSchema = z.strictObject(
  {
    name: nameSchema('name'),
    expiresAt: z.iso
      .datetime({ offset: true, error: 'expiresAt must be a date and time like 2030-01-31T12:00:00Z' })
      .optional(),
  },
  { error: unknownFields('API key') },
);

const USER: NamedSchema = { name: 'User', schema: userSchema };
const USER_PAGE: NamedSchema = {
  name: 'UserPage',
  schema: z.object({
    items: z.array(userSchema),
    nextCursor: z.string().optional().meta({ description: 'Pass as `cursor` for the next page.' }),
  }),
};
const USER_CREATE: NamedSchema = { name: 'UserCreate', schema: userCreateSchema };
const API_KEY_LIST: NamedSchema = { name: 'ApiKeyList', schema: z.object({ items: z.array(apiKeySchema) }) };
const API_KEY_CREATE: NamedSchema = { name: 'ApiKeyCreate', schema: apiKeyCreateSchema };
const API_KEY_CREATED: NamedSchema = {
  name: 'ApiKeyCreated',
  schema: apiKeySchema.extend({
    key: z.string().meta({ description: 'The key itself: shown only in this response, never again.' }),
  }),
};
const ME: NamedSchema = { name: 'Me', schema: meSchema };

const ID_PARAM = { id: 'The user id (`Users-...`).' };
const KEY_PARAMS = { ...ID_PARAM, keyId: 'The API key id (`ApiKeys-...`).' };

/** The caller (the route requires authentication, so there is one). */
function caller(request: FastifyRequest): User {
  const user = authenticatedUser(request);
  if (!user)
    throw new SlipwayError('INTERNAL', 'A route for the caller’s own keys ran without authentication.');
  return user;
}

/** Lets the caller act on their own account, or on anyone's with `permission`. */
function selfOr(request: FastifyRequest, permission: Permission): void {
  if (caller(request).id !== param(request, 'id')) authorize(request, permission);
}

/** The routes for users, API keys and the caller's own identity. */
export function userRoutes(deps: ServerDeps): RouteSpec[] {
  const db = deps.store.db;
  const users = apiKeysRepository(db);
  const spaces = spacesRepository(db);
  const grants = grantsRepository(db);
  const passwords = passwordsRepository(db);

  return [
    {
      method: 'GET',
      path: '/api/me',
      operationId: 'getMe',
      summary: 'The caller: their user, and in each space their grants and the permissions they hold there.',
      tag: 'users',
      auth: 'authenticated',
      responses: { 200: { description: 'The caller.', body: ME } },
      handler: async (request) => {
        const user = caller(request);
        const teamGrants = await grants.ofUserBySpace(user.id);
        return {
          ...userJson(user),
          spaces: (await spaces.list()).map((space) => {
            const held: (Grant & { team?: TeamGrant['team'] })[] = [
              ...(user.isAdmin ? [{ role: 'administrator' as const }] : []),
              ...(teamGrants.get(space.id) ?? []),
            ];
            return {
              id: space.id,
              name: space.name,
              grants: held.map(grantJson),
              permissions: PERMISSIONS.filter((p) => allows(held, p)),
            };
          }),
        };
      },
    },
    {
      method: 'GET',
      path: '/api/users',
      operationId: 'listUsers',
      summary: 'One page of users, by name.',
      tag: 'users',
      query: listQuerySchema,
      auth: { permission: 'user.view' },
      responses: {
        200: { description: 'A page; follow `nextCursor` for the next one.', body: USER_PAGE },
        400: { description: 'A bad query parameter (named in the message).' },
      },
      handler: async (request) => {
        const page = await listUsers(db, request.query);
        return {
          items: page.items.map(userJson),
          ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
        };
      },
    },
    {
      method: 'POST',
      path: '/api/users',
      operationId: 'createUser',
      summary: 'Creates a user (give them access by adding them to teams, or make them an administrator).',
      tag: 'users',
      body: USER_CREATE,
      auth: { permission: 'user.edit' },
      responses: {
        201: { description: 'Created.', body: USER, headers: { Location: 'The new user’s URL.' } },
        400: { description: 'Invalid input (each bad field named).' },
        409: { description: 'The name is taken, ignoring case (ALREADY_EXISTS).' },
      },
      handler: async (request, reply) => {
        const { password, ...input } = parseInput(userCreateSchema, request.body, 'user');
        // Checked before the user exists, so a refused password creates nobody.
        if (password !== undefined) checkNewPassword(password, input.name);
        const user = await users.createUser(input, resolveActor(request));
        if (password !== undefined) await passwords.setPassword(user.id, password, resolveActor(request));
        return reply.status(201).header('location', `/api/users/${user.id}`).send(userJson(user));
      },
    },
    {
      method: 'GET',
      path: '/api/users/{id}',
      operationId: 'getUser',
      summary: 'One user.',
      tag: 'users',
      params: ID_PARAM,
      auth: { permission: 'user.view' },
      responses: {
        200: { description: 'The user.', body: USER },
        404: { description: 'No such user.' },
      },
      handler: async (request) => userJson(await users.getUser(param(request, 'id'))),
    },
    {
      method: 'POST',
      path: '/api/users/{id}/disable',
      operationId: 'disableUser',
      summary: 'Disables a user: every key of theirs stops working at once. Cannot be undone; idempotent.',
      tag: 'users',
      params: ID_PARAM,
      auth: { permission: 'user.edit' },
      responses: {
        200: { description: 'The user, now disabled.', body: USER },
        400: { description: 'You tried to disable yourself.' },
        404: { description: 'No such user.' },
      },
      handler: async (request) => {
        const id = param(request, 'id');
        if (id === caller(request).id) {
          throw new SlipwayError(
            'INVALID_INPUT',
            'You cannot disable yourself: ask another administrator, so that someone who can still act remains.',
            { data: { user: id } },
          );
        }
        return userJson(await users.disableUser(id, resolveActor(request)));
      },
    },
    {
      method: 'POST',
      path: '/api/users/{id}/api-keys',
      operationId: 'createApiKey',
      summary: 'Creates an API key for a user (yourself, or anyone with user.edit). The key is shown once.',
      tag: 'users',
      params: ID_PARAM,
      body: API_KEY_CREATE,
      auth: 'authenticated',
      responses: {
        201: { description: 'Created; store `key` now, it is never shown again.', body: API_KEY_CREATED },
        400: { description: 'Invalid input (each bad field named), or an expiry in the past.' },
        404: { description: 'No such user.' },
      },
      handler: async (request, reply) => {
        selfOr(request, 'user.edit');
        const userId = param(request, 'id');
        const input = parseInput(apiKeyCreateSchema, request.body, 'API key');
        const { id, key } = await users.createApiKey(
          userId,
          { name: input.name, ...(input.expiresAt ? { expiresAt: new Date(input.expiresAt) } : {}) },
          resolveActor(request),
        );
        const info = (await users.listApiKeys(userId)).find((k) => k.id === id);
        if (!info) throw new SlipwayError('INTERNAL', `The new API key ${id} is not in its user's list.`);
        return reply.status(201).send({ ...apiKeyJson(info), key });
      },
    },
    {
      method: 'GET',
      path: '/api/users/{id}/api-keys',
      operationId: 'listApiKeys',
      summary:
        'A user’s API keys, oldest first (yourself, or anyone with user.view); never the keys themselves.',
      tag: 'users',
      params: ID_PARAM,
      auth: 'authenticated',
      responses: {
        200: { description: 'The keys.', body: API_KEY_LIST },
        404: { description: 'No such user.' },
      },
      handler: async (request) => {
        selfOr(request, 'user.view');
        const user = await users.getUser(param(request, 'id'));
        return { items: (await users.listApiKeys(user.id)).map(apiKeyJson) };
      },
    },
    {
      method: 'DELETE',
      path: '/api/users/{id}/api-keys/{keyId}',
      operationId: 'revokeApiKey',
      summary: 'Revokes an API key at once (yourself, or anyone with user.edit). Revoking twice is harmless.',
      tag: 'users',
      params: KEY_PARAMS,
      auth: 'authenticated',
      responses: {
        204: { description: 'Revoked.' },
        404: { description: 'No such user, or the user has no such key.' },
      },
      handler: async (request, reply) => {
        selfOr(request, 'user.edit');
        const user = await users.getUser(param(request, 'id'));
        const keyId = param(request, 'keyId');
        if (!(await users.listApiKeys(user.id)).some((k) => k.id === keyId)) {
          throw new SlipwayError('NOT_FOUND', `User "${user.name}" has no API key "${keyId}".`, {
            data: { entity: 'api-key', id: keyId, user: user.id },
          });
        }
        await users.revokeApiKey(keyId, resolveActor(request));
        return reply.status(204).send();
      },
    },
  ];
}
