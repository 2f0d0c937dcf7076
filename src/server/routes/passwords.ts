/**
 * PUT /api/users/{id}/password: sets a user's password for signing in to the web UI. Users change
 * their own with their current password (so a session left open cannot lock its owner out); anyone
 * with user.edit (administrators) sets another user's without it. The new one must be at least 12
 * characters and not the user name. A change ends the user's other sessions; the session that made
 * it stays signed in. A wrong current password counts as a failed sign-in (sign-in-limits.ts).
 */
import { z } from 'zod';
import { SlipwayError } from '../../core/errors.js';
import { parseInput, unknownFields } from '../../core/model/parse.js';
import { apiKeysRepository } from '../../store/api-keys.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordsRepository } from '../../store/passwords.js';
import { signInLimiter, signInSubject } from '../../store/sign-in-limits.js';
import { authorize } from '../access.js';
import { authenticatedUser, resolveActor } from '../actor.js';
import { requestSession } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import { param, type NamedSchema, type RouteSpec } from '../route.js';

const passwordChangeSchema = z.strictObject(
  {
    currentPassword: z
      .string({ error: 'currentPassword must be a string' })
      .max(MAX_PASSWORD_LENGTH, { error: 'currentPassword is too long' })
      .optional()
      .meta({ description: 'Your current password: required to change your own, unless you have none yet.' }),
    newPassword: z
      .string({ error: 'newPassword must be a string' })
      .meta({ description: `At least ${MIN_PASSWORD_LENGTH} characters, and not the user name.` }),
  },
  { error: unknownFields('password change') },
);

const PASSWORD_CHANGE: NamedSchema = { name: 'PasswordChange', schema: passwordChangeSchema };
const PASSWORD_CHANGED: NamedSchema = {
  name: 'PasswordChanged',
  schema: z.object({
    otherSessionsEnded: z.number().int().meta({ description: 'How many of the user’s sessions this ended.' }),
  }),
};

/** PUT /api/users/{id}/password. */
export function passwordRoutes(deps: ServerDeps): RouteSpec[] {
  const db = deps.store.db;
  const users = apiKeysRepository(db);
  const passwords = passwordsRepository(db);
  const limiter = signInLimiter(db, deps.now);
  return [
    {
      method: 'PUT',
      path: '/api/users/{id}/password',
      operationId: 'setPassword',
      summary:
        'Sets a user’s web UI password: your own with your current password, anyone’s with user.edit. Ends their other sessions.',
      tag: 'users',
      params: { id: 'The user id (`Users-...`).' },
      body: PASSWORD_CHANGE,
      auth: 'authenticated',
      responses: {
        200: { description: 'Changed.', body: PASSWORD_CHANGED },
        400: {
          description:
            'The new password is too short or is the user name, or the current password is wrong (named).',
        },
        403: { description: 'Another user’s password, without user.edit.' },
        404: { description: 'No such user.' },
        429: { description: 'Too many wrong current passwords (SIGN_IN_LIMITED).' },
      },
      handler: async (request) => {
        const caller = authenticatedUser(request);
        if (!caller) throw new SlipwayError('INTERNAL', 'The password route ran without authentication.');
        const target = await users.getUser(param(request, 'id'));
        const self = caller.id === target.id;
        if (!self) authorize(request, 'user.edit');
        const input = parseInput(passwordChangeSchema, request.body, 'password change');
        if (self && (await passwords.hasPassword(target.id))) {
          const subjects = [signInSubject.user(target.name), signInSubject.address(request.ip)];
          const blocked = await limiter.blockedUntil(subjects);
          if (blocked) {
            throw new SlipwayError(
              'SIGN_IN_LIMITED',
              `Too many wrong passwords for this user in the last 15 minutes; try again after ${blocked.toISOString()}.`,
              { data: { retryAt: blocked.toISOString() } },
            );
          }
          const check =
            input.currentPassword === undefined
              ? undefined
              : await passwords.checkPassword(target.name, input.currentPassword);
          if (!check?.ok) {
            if (check) {
              await limiter.fail(subjects, resolveActor(request), {
                method: 'password',
                username: target.name,
                reason: `password change: ${check.reason}`,
              });
            }
            const problem =
              input.currentPassword === undefined
                ? 'enter your current password to change it'
                : 'this is not your current password';
            throw new SlipwayError('INVALID_INPUT', `Invalid password change: currentPassword: ${problem}.`, {
              data: { issues: [`currentPassword: ${problem}`] },
            });
          }
        }
        const keep = self ? requestSession(request)?.id : undefined;
        const otherSessionsEnded = await passwords.setPassword(
          target.id,
          input.newPassword,
          resolveActor(request),
          keep,
        );
        return { otherSessionsEnded };
      },
    },
  ];
}
