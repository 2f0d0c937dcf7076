/**
 * A feed's tags for an image, read from the registry (or ECR, through the feed's AWS account or the
 * server's ambient AWS, e.g. the embedded sandbox) with the stored credentials:
 * - GET /api/spaces/{space}/feeds/{id}/tags: the versions, newest first, optionally within a channel rule;
 * - GET /api/spaces/{space}/feeds/{id}/tags/match: every tag with whether a channel rule accepts it, and
 *   the newest that does (the one a release would take). The web UI's channel editor calls it as the
 *   rule is typed. Both apply the release service's own rule code (core/versions), so the answer
 *   cannot differ from what creating a release would choose.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SlipwayError, isSlipwayError } from '../../core/errors.js';
import { parseInput, unknownFields } from '../../core/model/parse.js';
import {
  compileChannelRule,
  formatVersion,
  matchesCompiledRule,
  matchingVersions,
  parseVersion,
  validateChannelRule,
  type CompiledChannelRule,
} from '../../core/versions/index.js';
import { openFeed, type FeedConfig } from '../../feeds/index.js';
import { feedConfig } from '../../releases/feed-config.js';
import { spacesRepository } from '../../store/spaces.js';
import type { ServerDeps } from '../deps.js';
import { param, type RouteSpec } from '../route.js';

/** An image and a channel rule, the query of both routes. */
const imageAndRule = {
  image: z
    .string({ error: 'image must be a string' })
    .min(1, { error: 'image must name a repository, e.g. hello-color' }),
  versionRange: z.string({ error: 'versionRange must be a string' }).optional(),
  preReleaseTag: z.string({ error: 'preReleaseTag must be a string' }).optional(),
};

const querySchema = z.strictObject(
  { ...imageAndRule, limit: z.coerce.number().int().min(1).max(1000).default(100) },
  { error: unknownFields('a tags query') },
);

const matchQuerySchema = z.strictObject(imageAndRule, {
  error: unknownFields('a tag match query (image, versionRange, preReleaseTag)'),
});

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

const matchSchema = z.object({
  items: z.array(
    z.object({
      tag: z.string(),
      version: z
        .string()
        .nullable()
        .meta({ description: 'The tag read as a version; null for a tag that is not a version.' }),
      matches: z.boolean().meta({
        description: 'The rule accepts it (a tag that is not a version is never chosen for a release).',
      }),
    }),
  ),
  newest: z
    .string()
    .nullable()
    .meta({ description: 'The newest matching tag, the one a release would take; null when none does.' }),
  matched: z.int(),
  total: z.int(),
});

/** The rule compiled, or INVALID_INPUT naming each bad part (`rule.versionRange: ...`). */
function compileRule(
  versionRange: string | undefined,
  preReleaseTag: string | undefined,
): CompiledChannelRule {
  const issues: string[] = [];
  const part = (field: string, rule: { versionRange?: string; preReleaseTag?: string }) => {
    try {
      return compileChannelRule(rule);
    } catch (error) {
      if (!isSlipwayError(error)) throw error;
      issues.push(`rule.${field}: ${error.message}`);
      return {};
    }
  };
  const range = versionRange === undefined ? {} : part('versionRange', { versionRange });
  const tag = preReleaseTag === undefined ? {} : part('preReleaseTag', { preReleaseTag });
  if (issues.length > 0) {
    throw new SlipwayError('INVALID_INPUT', `Invalid rule: ${issues.join('; ')}`, { data: { issues } });
  }
  return { ...range, ...tag };
}

/** GET .../feeds/{id}/tags and GET .../feeds/{id}/tags/match. */
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
    {
      method: 'GET',
      path: '/api/spaces/{space}/feeds/{id}/tags/match',
      operationId: 'matchFeedTags',
      summary:
        "Which of an image's tags a channel version rule accepts, and the newest (the one a release would take).",
      tag: 'feeds',
      params: {
        space: 'The space, by id or name.',
        id: 'The feed, by id or name.',
      },
      query: matchQuerySchema,
      auth: { permission: 'feed.view' },
      responses: {
        200: {
          description: 'Every tag with whether it matches.',
          body: { name: 'FeedTagMatches', schema: matchSchema },
        },
        400: {
          description:
            'A bad query or rule (each part named: rule.versionRange, rule.preReleaseTag), or a registry that ' +
            'could not be read (FEED_UNREACHABLE, FEED_UNAUTHORIZED, FEED_REPOSITORY_NOT_FOUND).',
        },
        404: { description: 'No such space or feed.' },
      },
      handler: async (request) => {
        const body = parseInput(matchQuerySchema, request.query, 'tag match query');
        // The rule is checked before the registry is read, so a typo answers at once.
        const compiled = compileRule(body.versionRange, body.preReleaseTag);
        const feed = openFeed(await configOf(request));
        const tags = (await feed.listTags(body.image)).map((t) => t.tag);
        // As core/releases/packages.ts picks a version: versions newest first, the first the rule accepts.
        const versions = matchingVersions(tags);
        const newest = versions.find((v) => matchesCompiledRule(v, compiled));
        const items = [
          ...versions.map((v) => ({
            tag: v.original,
            version: formatVersion(v),
            matches: matchesCompiledRule(v, compiled),
          })),
          ...[...new Set(tags)]
            .filter((t) => parseVersion(t) === undefined)
            .map((tag) => ({ tag, version: null, matches: false })),
        ];
        return {
          items,
          newest: newest?.original ?? null,
          matched: items.filter((i) => i.matches).length,
          total: items.length,
        };
      },
    },
  ];
}
