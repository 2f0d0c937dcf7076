/**
 * Creating a release: resolve the project and channel, read the feeds' tags for the packages whose
 * version was not given, apply the channel's rules, compute the version from the template, store,
 * apply retention, then deploy to the first phase's automatic environments. The rules are core's
 * (core/releases); this file does the reading and writing around them.
 */
import { messageOf, SlipwayError } from '../core/errors.js';
import { parseInput } from '../core/model/parse.js';
import { releaseCreateSchema, type Release } from '../core/model/release.js';
import {
  chooseChannel,
  imageKey,
  lifecycleDecision,
  selectPackageVersions,
  type PackageReference,
  type PackageRequest,
} from '../core/releases/index.js';
import { openFeed } from '../feeds/index.js';
import { evaluationThreads } from '../jobs/evaluation-thread.js';
import type { Actor } from '../store/audit.js';
import { deployAutomatically } from './automatic.js';
import type { ReleaseContext } from './context.js';
import { feedConfig } from './feed-config.js';
import { channelRules, packageReferences } from './lookups.js';
import { releaseProgress } from './progression.js';
import { retainAfterRelease } from './retention.js';

/** `package:version` or `Step/package:version` → the request's form. */
function explicitVersion(
  p: string | { step?: string | undefined; package: string; version: string },
): PackageRequest['explicit'][number] {
  if (typeof p !== 'string')
    return { ...(p.step === undefined ? {} : { step: p.step }), package: p.package, version: p.version };
  const colon = p.lastIndexOf(':');
  const ref = p.slice(0, colon);
  const version = p.slice(colon + 1);
  const slash = ref.indexOf('/');
  return slash > 0
    ? { step: ref.slice(0, slash), package: ref.slice(slash + 1), version }
    : { package: ref, version };
}

function isExplicit(ref: PackageReference, explicit: PackageRequest['explicit']): boolean {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return explicit.some(
    (e) => same(e.package, ref.package) && (e.step === undefined || same(e.step, ref.step)),
  );
}

/** The tags of `image` in the feed; the feed's error (FEED_UNREACHABLE by default) names feed and image. */
async function readTags(
  ctx: ReleaseContext,
  spaceId: string,
  feedId: string,
  image: string,
): Promise<string[]> {
  const { deps } = ctx;
  const { tags } = deps;
  // Reading the feed's settings is the store's business: its errors are not the feed's.
  const read = tags
    ? () => tags(feedId, image)
    : await feedConfig(deps, spaceId, feedId).then((config) => {
        const feed = openFeed(config);
        return async () => (await feed.listTags(image)).map((t) => t.tag);
      });
  try {
    return await read();
  } catch (e) {
    const feedName = (await ctx.look.feeds.find(spaceId, feedId))?.name ?? feedId;
    const detail = messageOf(e);
    throw new SlipwayError(
      e instanceof SlipwayError ? e.code : 'FEED_UNREACHABLE',
      `Could not read the tags of image "${image}" in feed "${feedName}": ${detail}`,
      { cause: e, data: { feed: feedName, image } },
    );
  }
}

/** Creates a release (releaseCreateSchema input): version, channel, package versions, snapshots. */
export async function createRelease(
  ctx: ReleaseContext,
  spaceId: string,
  input: unknown,
  by: Actor,
): Promise<Release> {
  const { look } = ctx;
  const req = parseInput(releaseCreateSchema, input, 'release');
  const project = await look.project(spaceId, req.project);
  look.assertEnabled(project);
  const process = await look.processes.getSingleton(spaceId, project.id);
  const references = packageReferences(process.data);
  const explicit = req.packages.map(explicitVersion);
  const channels = await look.channelsOf(spaceId, project.id);
  let channel;
  if (req.channel !== undefined) {
    channel = await look.channels.find(spaceId, req.channel, project.id);
    if (!channel) {
      throw new SlipwayError(
        'NOT_FOUND',
        `Project "${project.name}" has no channel "${req.channel}" (it has ${channels.map((c) => `"${c.name}"`).join(', ')}).`,
        { data: { entity: 'channel', name: req.channel } },
      );
    }
  } else {
    const choice = chooseChannel(
      channels.map((c) => ({
        id: c.id,
        name: c.name,
        isDefault: c.data.isDefault === true,
        rules: channelRules(c),
      })),
      explicit,
      references,
    );
    channel = channels.find((c) => c.id === choice.id) ?? (await look.channels.get(spaceId, choice.id));
  }
  // Feeds are asked only for references whose version the caller did not give.
  const tagsByImage = new Map<string, string[]>();
  if (req.packageVersion === undefined) {
    for (const ref of references.filter((r) => !isExplicit(r, explicit))) {
      const key = imageKey(ref.feedId, ref.image);
      if (!tagsByImage.has(key)) tagsByImage.set(key, await readTags(ctx, spaceId, ref.feedId, ref.image));
    }
  }
  const packages = selectPackageVersions(
    references,
    channelRules(channel),
    {
      explicit,
      ...(req.packageVersion === undefined ? {} : { defaultVersion: req.packageVersion }),
      ignoreChannelRules: req.ignoreChannelRules,
    },
    tagsByImage,
  );
  const version =
    req.version ??
    // In a worker thread: a release version template is user input and may be slow to evaluate.
    (await evaluationThreads.nextReleaseVersion(project.data.versionTemplate as string, {
      previousVersions: await ctx.releases.versions(spaceId, project.id),
      now: ctx.now(),
      variables: Object.fromEntries(
        packages.map((p) => [`Octopus.Action.Package[${p.package}].PackageVersion`, p.version]),
      ),
    }));
  const created = await ctx.releases.create(
    spaceId,
    { projectId: project.id, channelId: channel.id, version, notes: req.notes, packages },
    by,
  );
  const { phases, environments, lifecycle } = await look.phases(spaceId, project, channel);
  await retainAfterRelease(ctx, lifecycle, created);
  // The first phase's automatic environments get the release at once: untenanted, and for every
  // tenant connected there when the project deploys to tenants.
  // (Decided once: a new release's first phase is the same for every tenant.)
  const progress = await ctx.deployments.releaseProgress(created.id, undefined);
  const { automatic } = lifecycleDecision(phases, releaseProgress(progress));
  const mode = project.data.tenantedMode as string | undefined;
  if (mode !== 'tenanted') await deployAutomatically(ctx, created, automatic, environments, {}, {});
  if (mode === 'tenanted' || mode === 'both')
    await deployAutomatically(ctx, created, automatic, environments, 'every tenant', {});
  return created;
}
