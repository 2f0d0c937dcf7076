/**
 * Interruptions: a deployment's open and answered pauses, and answering one (guided failure or a
 * manual intervention), by someone who may in the deployment's scope and, when the pause names
 * teams, is in one of them.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SlipwayError } from '../../core/errors.js';
import { RESOURCE_KINDS } from '../../core/model/kinds/index.js';
import { parseInput } from '../../core/model/parse.js';
import type { AccessScope } from '../../core/model/permissions.js';
import { interruptionAnswerSchema } from '../../core/model/release.js';
import { grantsRepository } from '../../store/grants.js';
import { resourcesRepository } from '../../store/resources.js';
import { authorize } from '../access.js';
import { authenticatedUser, resolveActor } from '../actor.js';
import { param, type RouteSpec } from '../route.js';
import {
  changeScope,
  INTERRUPTION,
  interruptionJson,
  interruptionSchema,
  deploymentScope,
  type ReleaseHttp,
} from './release-http.js';
import { NO_QUERY, parseQuery, SPACE_PARAM } from './resource-http.js';

const LIST = { name: 'InterruptionList', schema: z.object({ items: z.array(interruptionSchema) }) };

/** GET /deployments/{id}/interruptions and POST /interruptions/{id}/answer. */
export function interruptionRoutes(http: ReleaseHttp): RouteSpec[] {
  const { deployments } = http;
  const grants = grantsRepository(http.deps.store.db);
  const teams = resourcesRepository(http.deps.store.db, http.deps.secrets, RESOURCE_KINDS.team);
  const projectScope = async (request: FastifyRequest): Promise<AccessScope> => ({
    projectId: (await http.deployment(request)).projectId,
  });

  return [
    {
      method: 'GET',
      path: '/api/spaces/{space}/deployments/{id}/interruptions',
      operationId: 'listInterruptions',
      summary: 'The interruptions of a deployment, open and answered.',
      tag: 'deployments',
      params: { ...SPACE_PARAM, id: 'The deployment id.' },
      query: NO_QUERY,
      auth: { permission: 'project.view', scope: projectScope },
      responses: {
        200: { description: 'The interruptions, oldest first.', body: LIST },
        404: { description: 'No such space or deployment.' },
      },
      handler: async (request) => {
        parseQuery(NO_QUERY, request);
        const d = await http.deployment(request);
        return { items: (await deployments.interruptions(d.id)).map(interruptionJson) };
      },
    },
    {
      method: 'POST',
      path: '/api/spaces/{space}/interruptions/{id}/answer',
      operationId: 'answerInterruption',
      summary:
        'Answers an interruption: retry / ignore / fail (guided failure) or proceed / abort (manual intervention).',
      tag: 'deployments',
      params: { ...SPACE_PARAM, id: 'The interruption id.' },
      body: { name: 'InterruptionAnswer', schema: interruptionAnswerSchema, root: 'answer' },
      auth: {
        permission: 'interruption.submit',
        scope: async (request) =>
          changeScope(async () => {
            const spaceId = await http.spaceId(request);
            const interruption = await deployments.getInterruption(spaceId, param(request, 'id'));
            return deploymentScope(await deployments.get(spaceId, interruption.deploymentId));
          }),
      },
      responses: {
        200: { description: 'The interruption, answered.', body: INTERRUPTION },
        400: { description: 'Invalid input (named), or an answer of the other kind.' },
        403: { description: 'Not allowed in the deployment’s scope, or not in a responsible team.' },
        404: { description: 'No such space or interruption.' },
        409: { description: 'Already answered (CONFLICT).' },
      },
      handler: async (request) => {
        const body = parseInput(interruptionAnswerSchema, request.body, 'answer');
        const spaceId = await http.spaceId(request);
        const interruption = await deployments.getInterruption(spaceId, param(request, 'id'));
        const deployment = await deployments.get(spaceId, interruption.deploymentId);
        authorize(request, 'interruption.submit', deploymentScope(deployment));
        const user = authenticatedUser(request);
        if (interruption.responsibleTeamIds.length > 0 && user && !user.isAdmin) {
          const mine = new Set((await grants.ofUser(spaceId, user.id)).map((g) => g.team.id));
          if (!interruption.responsibleTeamIds.some((t) => mine.has(t))) {
            const names = await Promise.all(
              interruption.responsibleTeamIds.map(async (id) => (await teams.find(spaceId, id))?.name ?? id),
            );
            throw new SlipwayError(
              'FORBIDDEN',
              `User "${user.name}" may not answer "${interruption.title}": only members of ` +
                `${names.map((n) => `"${n}"`).join(', ')} (or an administrator) may; ask one of them.`,
              { data: { user: user.name, teams: interruption.responsibleTeamIds } },
            );
          }
        }
        const valid =
          interruption.kind === 'guided-failure' ? ['retry', 'ignore', 'fail'] : ['proceed', 'abort'];
        if (!valid.includes(body.answer)) {
          throw new SlipwayError(
            'INVALID_INPUT',
            `answer.answer: a ${interruption.kind} takes ${valid.join(', ')}, not ${body.answer}.`,
            { data: { issues: [`answer.answer: one of ${valid.join(', ')}`] } },
          );
        }
        const answered = await deployments.answer(
          spaceId,
          interruption.id,
          body.answer,
          body.notes,
          resolveActor(request),
        );
        return interruptionJson(answered);
      },
    },
  ];
}
