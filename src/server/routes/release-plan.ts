/**
 * GET /api/spaces/{space}/projects/{project}/release-plan: what creating a release in a channel
 * would offer, before it is created: each package reference of the process with its feed's tags
 * that the channel's rule allows (newest first) and the one release creation would pick, and the
 * version the project's template makes. The web UI's "Create release" form draws from it. The
 * rules are release creation's own (core/releases selectPackageVersions, the channel's compiled
 * rule, the version template in an evaluation thread), so the preview cannot disagree with it.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { messageOf, SlipwayError } from '../../core/errors.js';
import { RESOURCE_KINDS } from '../../core/model/kinds/index.js';
import { unknownFields } from '../../core/model/parse.js';
import type { Resource } from '../../core/model/resource.js';
import {
  describeRule,
  imageKey,
  ruleFor,
  selectPackageVersions,
  type PackageReference,
} from '../../core/releases/index.js';
import { compileChannelRule, matchesCompiledRule, matchingVersions } from '../../core/versions/index.js';
import { openFeed } from '../../feeds/index.js';
import { evaluationThreads } from '../../jobs/evaluation-thread.js';
import { feedConfig } from '../../releases/feed-config.js';
import { channelRules, everything, packageReferences } from '../../releases/lookups.js';
import { releasesRepository } from '../../store/releases.js';
import { resourcesRepository } from '../../store/resources.js';
import type { ServerDeps } from '../deps.js';
import type { RouteSpec } from '../route.js';
import { parseQuery, pathResolver, PROJECT_PARAM, SPACE_PARAM } from './resource-http.js';

const planQuery = z.strictObject(
  {
    channel: z.string().min(1).optional().meta({
      description: 'The channel (id or name); absent = the project’s default channel.',
    }),
    package: z
      .union([z.string().min(1), z.array(z.string().min(1))])
      .optional()
      .meta({
        description:
          'Chosen versions as `package:version` or `Step/package:version` (repeat it): the version ' +
          'template’s preview uses them instead of the newest allowed tags.',
      }),
  },
  { error: unknownFields('the query') },
);

const planPackage = z.object({
  step: z.string(),
  package: z.string(),
  feedId: z.string(),
  feedName: z.string(),
  image: z.string(),
  rule: z
    .string()
    .optional()
    .meta({ description: 'The channel’s rule for this reference in words; absent = any version.' }),
  tags: z
    .array(z.object({ tag: z.string(), version: z.string() }))
    .meta({ description: 'The feed’s tags the channel allows, newest first (at most 200).' }),
  newest: z.string().optional().meta({
    description: 'The tag release creation would pick (the newest allowed); absent when none fits.',
  }),
  problem: z
    .string()
    .optional()
    .meta({ description: 'Why no version can be picked (no tag fits, the feed cannot be read).' }),
});

const PLAN = {
  name: 'ReleasePlan',
  schema: z.object({
    channel: z.object({ id: z.string(), name: z.string() }),
    packages: z.array(planPackage),
    versionTemplate: z.string(),
    version: z.string().optional().meta({
      description: 'The version the template makes now; absent when it cannot (see versionProblem).',
    }),
    versionProblem: z.string().optional(),
  }),
};

/** How many allowed tags a reference lists. */
const MAX_TAGS = 200;

/** `package:version` or `Step/package:version` → its parts (as release creation reads it). */
function chosenVersion(text: string): { step?: string; package: string; version: string } | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0 || colon === text.length - 1) return undefined;
  const ref = text.slice(0, colon);
  const slash = ref.indexOf('/');
  return slash > 0
    ? { step: ref.slice(0, slash), package: ref.slice(slash + 1), version: text.slice(colon + 1) }
    : { package: ref, version: text.slice(colon + 1) };
}

/** The release plan route. */
export function releasePlanRoutes(deps: ServerDeps): RouteSpec[] {
  const resolve = pathResolver(deps);
  const repo = (kind: 'channel' | 'process' | 'feed') =>
    resourcesRepository(deps.store.db, deps.secrets, RESOURCE_KINDS[kind]);
  const channels = repo('channel');
  const processes = repo('process');
  const feeds = repo('feed');
  const releases = releasesRepository(deps.store.db, deps.secrets);

  const channelOf = async (spaceId: string, project: Resource, named: string | undefined) => {
    if (named !== undefined) {
      const found = await channels.find(spaceId, named, project.id);
      if (!found) {
        throw new SlipwayError('NOT_FOUND', `Project "${project.name}" has no channel "${named}".`, {
          data: { entity: 'channel', name: named },
        });
      }
      return found;
    }
    const all = await everything((q) => channels.list(spaceId, q, { parentId: project.id }));
    const found = all.find((c) => c.data.isDefault === true) ?? all[0];
    if (!found) throw new SlipwayError('NOT_FOUND', `Project "${project.name}" has no channel.`);
    return found;
  };

  const tagsOf = async (spaceId: string, ref: PackageReference): Promise<string[]> => {
    const feed = openFeed(await feedConfig(deps, spaceId, ref.feedId));
    return (await feed.listTags(ref.image)).map((t) => t.tag);
  };

  return [
    {
      method: 'GET',
      path: '/api/spaces/{space}/projects/{project}/release-plan',
      operationId: 'getReleasePlan',
      summary:
        'What a new release in a channel would take: each package’s allowed tags and the newest, and the version template’s preview.',
      tag: 'releases',
      params: { ...SPACE_PARAM, ...PROJECT_PARAM },
      query: planQuery,
      auth: {
        permission: 'project.view',
        scope: async (request: FastifyRequest) => ({ projectId: (await resolve.project(request)).id }),
      },
      responses: {
        200: { description: 'The plan.', body: PLAN },
        400: { description: 'A bad query parameter (named in the message).' },
        404: { description: 'No such space, project or channel.' },
      },
      handler: async (request) => {
        const q = parseQuery(planQuery, request);
        const project = await resolve.project(request);
        const spaceId = project.spaceId;
        const channel = await channelOf(spaceId, project, q.channel);
        const rules = channelRules(channel);
        const process = await processes.getSingleton(spaceId, project.id);
        const references = packageReferences(process.data);
        const given = (q.package === undefined ? [] : [q.package].flat())
          .map(chosenVersion)
          .filter((c) => c !== undefined);

        const tagsByImage = new Map<string, string[]>();
        const feedProblems = new Map<string, string>();
        for (const ref of references) {
          const key = imageKey(ref.feedId, ref.image);
          if (tagsByImage.has(key) || feedProblems.has(key)) continue;
          try {
            tagsByImage.set(key, await tagsOf(spaceId, ref));
          } catch (e) {
            feedProblems.set(key, messageOf(e));
          }
        }

        const packages = await Promise.all(
          references.map(async (ref) => {
            const feedName = (await feeds.find(spaceId, ref.feedId))?.name ?? ref.feedId;
            const rule = ruleFor(rules, ref);
            const key = imageKey(ref.feedId, ref.image);
            const base = {
              step: ref.step,
              package: ref.package,
              feedId: ref.feedId,
              feedName,
              image: ref.image,
              ...(rule === undefined ? {} : { rule: describeRule(rule) }),
            };
            const feedProblem = feedProblems.get(key);
            if (feedProblem !== undefined) {
              return {
                ...base,
                tags: [],
                problem: `Could not read the tags of image "${ref.image}" in feed "${feedName}": ${feedProblem}`,
              };
            }
            const tags = tagsByImage.get(key) ?? [];
            let allowed: { tag: string; version: string }[] = [];
            let newest: string | undefined;
            let problem: string | undefined;
            try {
              const compiled = rule === undefined ? {} : compileChannelRule(rule);
              allowed = matchingVersions(tags)
                .filter((v) => matchesCompiledRule(v, compiled))
                .slice(0, MAX_TAGS)
                .map((v) => ({ tag: v.original, version: v.original }));
              // Exactly what release creation picks for a reference given no version.
              newest = selectPackageVersions([ref], rules, { explicit: [] }, tagsByImage)[0]?.version;
            } catch (e) {
              if (!(e instanceof SlipwayError)) throw e;
              problem = e.message;
            }
            return {
              ...base,
              tags: allowed,
              ...(newest === undefined ? {} : { newest }),
              ...(problem === undefined ? {} : { problem }),
            };
          }),
        );

        const template = project.data.versionTemplate as string;
        const chosen = new Map<string, string>();
        for (const p of packages) if (p.newest !== undefined) chosen.set(p.package, p.newest);
        for (const g of given) chosen.set(g.package, g.version);
        let version: string | undefined;
        let versionProblem: string | undefined;
        try {
          // As release creation computes it (in a worker thread: a template is user input).
          version = await evaluationThreads.nextReleaseVersion(template, {
            previousVersions: await releases.versions(spaceId, project.id),
            now: deps.now?.() ?? new Date(),
            variables: Object.fromEntries(
              [...chosen].map(([name, v]) => [`Octopus.Action.Package[${name}].PackageVersion`, v]),
            ),
          });
        } catch (e) {
          if (!(e instanceof SlipwayError)) throw e;
          versionProblem = e.message;
        }
        return {
          channel: { id: channel.id, name: channel.name },
          packages,
          versionTemplate: template,
          ...(version === undefined ? {} : { version }),
          ...(versionProblem === undefined ? {} : { versionProblem }),
        };
      },
    },
  ];
}
