/**
 * GET /api/spaces/{space}/feeds/{id}/tags: what versions a feed offers for an image, newest first,
 * optionally filtered by a channel rule. Talks to the registry (or ECR, through the feed's AWS
 * account or the server's ambient AWS, e.g. the embedded sandbox) with the stored credentials.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInput, unknownFields } from '../../core/model/parse.js';
import {
  formatVersion,
  matchingVersions,
  parseVersion,
  validateChannelRule,
} from '../../core/versions/index.js';
import { openFeed, type FeedConfig } from '../../feeds/index.js';
import { feedConfig } from '../../releases/feed-config.js';
import { spacesRepository } from '../../store/spaces.js';
import type { ServerDeps } from '../deps.js';
import { param, type RouteSpec } from '../route.js';

const querySchema = z.strictObject(
  {
    image: z
      .string({ error: 'image must be a string' })
      .min(1, { error: 'image must name a repository, e.g. hello-color' }),
    versionRange: z.string({ error: 'versionRange must be a string' }).optional(),
    preReleaseTag: z.string({ error: 'preReleaseTag must be a string' }).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  },
  { error: unknownFields('a tags query') },
);

const tagsSchema = z.object({
  items: z.array(
    z.object({
      tag: z.string(),
      version: z.string().meta({ description: 'The tag read as a version (missing numbers as 0).' }),
    }),
  ),
  /** Tags that are not versions (`latest`, `main-abc123`): never picked for a release. */
  otherTags: z.array(z.string()),
});

/** GET /api/spaces/{space}/feeds/{id}/tags. */
export function feedTagRoutes(deps: ServerDeps): RouteSpec[] {
  const spaces = spacesRepository(deps.store.db);
  const configOf = async (request: FastifyRequest): Promise<FeedConfig> =>
    feedConfig(deps, (await spaces.get(param(request, 'space'))).id, param(request, 'id'));

  return [
    {
      method: 'GET',
      path: '/api/spaces/{space}/feeds/{id}/tags',
      operationId: 'listFeedTags',
      summary: 'The versions a feed holds for an image, newest first, optionally within a channel rule.',
      tag: 'feeds',
      params: {
        space: 'The space, by id or name.',
        id: 'The feed, by id or name.',
      },
      query: querySchema,
      auth: { permission: 'feed.view' },
      responses: {
        200: { description: 'The tags.', body: { name: 'FeedTags', schema: tagsSchema } },
        400: {
          description:
            'A bad query (named), an invalid rule, or a registry that could not be read ' +
            '(FEED_UNREACHABLE, FEED_UNAUTHORIZED, FEED_REPOSITORY_NOT_FOUND).',
        },
        404: { description: 'No such space or feed.' },
      },
      handler: async (request) => {
        const q = parseInput(querySchema, request.query, 'tags query');
        const rule = {
          ...(q.versionRange === undefined ? {} : { versionRange: q.versionRange }),
          ...(q.preReleaseTag === undefined ? {} : { preReleaseTag: q.preReleaseTag }),
        };
        validateChannelRule(rule);
        const feed = openFeed(await configOf(request));
        const tags = (await feed.listTags(q.image)).map((t) => t.tag);
        const versions = matchingVersions(tags, rule);
        return {
          items: versions.slice(0, q.limit).map((v) => ({ tag: v.original, version: formatVersion(v) })),
          otherTags: tags.filter((t) => parseVersion(t) === undefined),
        };
      },
    },
  ];
}
