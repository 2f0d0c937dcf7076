/**
 * GET /api/spaces/{space}/feeds/{id}/tags/match: which of an image's tags a channel version rule
 * accepts, and the newest of them (the one a release would take). The web UI's channel editor calls
 * it as the rule is typed. It applies the release service's own rule code (core/versions: the NuGet
 * range and the RE2 pre-release regex, as core/releases/packages.ts selects a version), so the
 * answer cannot differ from what creating a release would choose.
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
  type CompiledChannelRule,
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
  },
  { error: unknownFields('a tag match query (image, versionRange, preReleaseTag)') },
);

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

/** GET /api/spaces/{space}/feeds/{id}/tags/match. */
export function feedTagMatchRoutes(deps: ServerDeps): RouteSpec[] {
  const spaces = spacesRepository(deps.store.db);
  const configOf = async (request: FastifyRequest): Promise<FeedConfig> =>
    feedConfig(deps, (await spaces.get(param(request, 'space'))).id, param(request, 'id'));

  return [
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
      query: querySchema,
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
        const body = parseInput(querySchema, request.query, 'tag match query');
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
