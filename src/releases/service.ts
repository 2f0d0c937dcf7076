/**
 * Creating releases and deployments, shared by the API and the engine: resolve names, read feed
 * tags, apply the channel and lifecycle rules, pick tenants, store, enqueue. Pure rules live in
 * core/releases; this file does the reading and writing around them.
 */
import type { AmbientAws } from '../aws/account-credentials.js';
import { SlipwayError } from '../core/errors.js';
import { parseInput } from '../core/model/parse.js';
import { releaseCreateSchema, type Deployment, type Release } from '../core/model/release.js';
import {
  chooseChannel,
  imageKey,
  lifecycleDecision,
  nextReleaseVersion,
  selectPackageVersions,
  selectTenants,
  type LifecycleDecision,
  type PackageReference,
  type PackageRequest,
  type RetentionPolicy,
} from '../core/releases/index.js';
import type { Resource } from '../core/model/resource.js';
import type { Actor } from '../store/audit.js';
import type { Store } from '../store/database.js';
import { deploymentsRepository } from '../store/deployments.js';
import { releasesRepository } from '../store/releases.js';
import type { SecretBox } from '../store/secrets.js';
import { openFeed } from '../feeds/index.js';
import { deployRelease, type Progression, type ScopeCheck } from './deployment-create.js';
import type { Engine } from '../jobs/engine.js';
import { feedConfig } from './feed-config.js';
import { queueOrder } from './queue-order.js';
import { applyRetention } from './retention.js';
import { channelRules, packageReferences, releaseLookups } from './lookups.js';

/** What the service needs. */
export interface ReleaseServiceDeps {
  store: Store;
  secrets: SecretBox;
  aws?: AmbientAws;
  /** Where new deployments are queued; without it they stay `queued`. */
  engine?: Pick<Engine, 'enqueue'>;
  now?: () => Date;
  /** The tags of an image in a feed (by feed id). Default: asks the feed (openFeed); tests pass a fake. */
  tags?: (feedId: string, image: string) => Promise<string[]>;
}

/** One row of the dashboard. */
export interface DashboardItem {
  projectId: string;
  environmentId: string;
  tenantId?: string;
  releaseId: string;
  releaseVersion: string;
  deploymentId: string;
  state: Deployment['state'];
  createdAt: Date;
  finishedAt?: Date;
}

/** Who creates the deployments the lifecycle starts by itself. */
export const AUTOMATIC_ACTOR: Actor = { actor: 'system (automatic)' };

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

/** The release service over `deps`. */
export function releaseService(deps: ReleaseServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const look = releaseLookups(deps);
  const releases = releasesRepository(deps.store.db, deps.secrets);
  const deployments = deploymentsRepository(deps.store.db, deps.secrets);
  const context = { deps, look, releases, deployments };

  async function readTags(spaceId: string, feedId: string, image: string): Promise<string[]> {
    try {
      if (deps.tags) return await deps.tags(feedId, image);
      const feed = openFeed(await feedConfig(deps, spaceId, feedId));
      return (await feed.listTags(image)).map((t) => t.tag);
    } catch (e) {
      const feedName = (await look.feeds.find(spaceId, feedId))?.name ?? feedId;
      const detail = e instanceof Error ? e.message : String(e);
      throw new SlipwayError(
        e instanceof SlipwayError ? e.code : 'FEED_UNREACHABLE',
        `Could not read the tags of image "${image}" in feed "${feedName}": ${detail}`,
        { cause: e, data: { feed: feedName, image } },
      );
    }
  }

  async function progression(
    spaceId: string,
    release: Release,
    tenantId: string | undefined,
  ): Promise<Progression> {
    const project = await look.projects.get(spaceId, release.projectId);
    const channel = await look.channels.get(spaceId, release.channelId);
    const { phases, environments } = await look.phases(spaceId, project, channel);
    const progress = await deployments.releaseProgress(release.id, tenantId);
    const decision = lifecycleDecision(phases, {
      succeededEnvironmentIds: new Set(progress.succeeded),
      attemptedEnvironmentIds: new Set(progress.attempted),
    });
    return { decision, phases, environments };
  }

  // The lifecycle's retention (the first phase's own policy when it has one), best effort.
  async function retain(
    spaceId: string,
    project: Resource,
    channel: Resource,
    release: Release,
  ): Promise<void> {
    try {
      const { lifecycle } = await look.phases(spaceId, project, channel);
      const phases = (lifecycle.data.phases as { retention?: RetentionPolicy }[] | undefined) ?? [];
      const policy = phases[0]?.retention ?? (lifecycle.data.retention as RetentionPolicy | undefined);
      if (policy) await applyRetention({ releases, deployments }, release, policy, now());
    } catch {
      // Retention never fails a release; it runs again after the next one.
    }
  }

  async function deploy(
    spaceId: string,
    input: unknown,
    by: Actor,
    check?: ScopeCheck,
  ): Promise<Deployment[]> {
    const created = await deployRelease(context, spaceId, input, by, progression, check);
    if (created.length > 0)
      await deps.engine?.enqueue((await queueOrder(deps, look, spaceId, created)).map((d) => d.id));
    return created;
  }

  /** The newest successful deployment of `projectId` in `environmentId` for the tenant (or untenanted). */
  async function latestSuccess(
    spaceId: string,
    projectId: string,
    environmentId: string,
    tenantId: string | undefined,
  ): Promise<Deployment | undefined> {
    let cursor: string | undefined;
    do {
      const page = await deployments.list(
        spaceId,
        { limit: 100, ...(cursor === undefined ? {} : { cursor }) },
        { projectId, environmentId, states: ['success'], ...(tenantId === undefined ? {} : { tenantId }) },
      );
      const found = page.items.find((d) => d.tenantId === tenantId);
      if (found) return found;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return undefined;
  }

  /**
   * Deploys `release` to `environments` (those its lifecycle deploys by itself now): untenanted, for
   * one tenant, or for every tenant connected there (`'every tenant'`, within the channel's tenant
   * tags). A refusal (no tenant connected there, a missing prompted value) leaves that environment
   * to a person and is reported on stderr (the server's log); other errors are thrown.
   */
  async function deployAutomatically(
    release: Release,
    environments: readonly string[],
    who: { tenantId?: string } | 'every tenant',
    prompted: Record<string, string>,
  ): Promise<Deployment[]> {
    const { spaceId } = release;
    let tenants: { tenants?: string[]; tenantTags?: string[] } = {};
    if (who === 'every tenant') {
      const channel = await look.channels.get(spaceId, release.channelId);
      const tags = (channel.data.tenantTags as string[] | undefined) ?? [];
      tenants = tags.length > 0 ? { tenantTags: tags } : { tenants: ['*'] };
    } else if (who.tenantId !== undefined) {
      tenants = { tenants: [who.tenantId] };
    }
    const out: Deployment[] = [];
    for (const environment of environments) {
      try {
        out.push(
          ...(await deploy(
            spaceId,
            { release: release.id, environment, ...tenants, prompted },
            AUTOMATIC_ACTOR,
          )),
        );
      } catch (e) {
        if (!(e instanceof SlipwayError) || e.owner !== 'user') throw e;
        const name = (await look.environment(spaceId, environment).catch(() => undefined))?.name;
        process.stderr.write(
          `slipway: no automatic deployment of release ${release.version} (${release.id}) to ` +
            `${name ?? environment}: ${e.message}\n`,
        );
      }
    }
    return out;
  }

  return {
    /** Creates a release (releaseCreateSchema input): version, channel, package versions, snapshots. */
    async createRelease(spaceId: string, input: unknown, by: Actor): Promise<Release> {
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
          if (!tagsByImage.has(key)) tagsByImage.set(key, await readTags(spaceId, ref.feedId, ref.image));
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
        nextReleaseVersion(project.data.versionTemplate as string, {
          previousVersions: await releases.versions(spaceId, project.id),
          now: now(),
          variables: Object.fromEntries(
            packages.map((p) => [`Octopus.Action.Package[${p.package}].PackageVersion`, p.version]),
          ),
        });
      const created = await releases.create(
        spaceId,
        { projectId: project.id, channelId: channel.id, version, notes: req.notes, packages },
        by,
      );
      await retain(spaceId, project, channel, created);
      // The first phase's automatic environments get the release at once: untenanted, and for
      // every tenant connected there when the project deploys to tenants.
      // (Decided once: a new release's first phase is the same for every tenant.)
      const { automatic } = (await progression(spaceId, created, undefined)).decision;
      const mode = project.data.tenantedMode as string | undefined;
      if (mode !== 'tenanted') await deployAutomatically(created, automatic, {}, {});
      if (mode === 'tenanted' || mode === 'both')
        await deployAutomatically(created, automatic, 'every tenant', {});
      return created;
    },

    /**
     * Deploys a release (deploymentCreateSchema input): checks the lifecycle per tenant
     * (LIFECYCLE_REFUSED naming the reason), creates one deployment per tenant, enqueues them.
     * `check` (default none) authorises each project × environment × tenant before anything is stored.
     */
    deploy,

    /** The release of a project with this version (ignoring case); NOT_FOUND naming both. */
    async releaseByVersion(spaceId: string, project: string, version: string): Promise<Release> {
      const p = await look.project(spaceId, project);
      const found = await releases.findByVersion(spaceId, p.id, version);
      if (!found) {
        throw new SlipwayError('NOT_FOUND', `Project "${p.name}" has no release "${version}".`, {
          data: { entity: 'release', project: p.id, version },
        });
      }
      return found;
    },

    /** Deploys the release currently (last successful) in `from` to `to`. */
    async promote(
      spaceId: string,
      input: { project: string; from: string; to: string; tenants?: string[]; tenantTags?: string[] },
      by: Actor,
      check?: ScopeCheck,
    ): Promise<Deployment[]> {
      const project = await look.project(spaceId, input.project);
      const from = await look.environment(spaceId, input.from);
      const to = await look.environment(spaceId, input.to);
      const names = input.tenants ?? [];
      const tags = input.tenantTags ?? [];
      if (names.length === 0 && tags.length === 0) {
        const current = await latestSuccess(spaceId, project.id, from.id, undefined);
        if (!current) {
          throw new SlipwayError(
            'INVALID_INPUT',
            `Nothing to promote: project "${project.name}" has no successful untenanted deployment in ${from.name}.`,
            { data: { project: project.id, environment: from.id } },
          );
        }
        return deploy(spaceId, { release: current.releaseId, environment: to.id }, by, check);
      }
      // Tenanted: each tenant gets the release it has in `from`; tenants sharing one go together.
      const chosen = selectTenants(await look.tenantChoices(spaceId), { names, tags }, project.id, to.id);
      const byRelease = new Map<string, string[]>();
      const missing: string[] = [];
      for (const tenant of chosen) {
        const current = await latestSuccess(spaceId, project.id, from.id, tenant.id);
        if (!current) missing.push(tenant.name);
        else byRelease.set(current.releaseId, [...(byRelease.get(current.releaseId) ?? []), tenant.id]);
      }
      if (missing.length > 0) {
        throw new SlipwayError(
          'INVALID_INPUT',
          `Nothing to promote for tenant${missing.length > 1 ? 's' : ''} ${missing.map((n) => `"${n}"`).join(', ')}: ` +
            `no successful deployment of "${project.name}" in ${from.name}.`,
          { data: { tenants: missing, environment: from.id } },
        );
      }
      const out: Deployment[] = [];
      for (const [release, tenants] of byRelease) {
        out.push(...(await deploy(spaceId, { release, environment: to.id, tenants }, by, check)));
      }
      return out;
    },

    /** Where a release may go now (per tenant when given). */
    async progression(spaceId: string, releaseId: string, tenantId?: string): Promise<LifecycleDecision> {
      return (await progression(spaceId, await releases.get(spaceId, releaseId), tenantId)).decision;
    },

    /** The decision with the phases and environments it was made over (for display). */
    async progressionDetails(spaceId: string, releaseId: string, tenantId?: string): Promise<Progression> {
      return progression(spaceId, await releases.get(spaceId, releaseId), tenantId);
    },

    /** After a deployment finished: deploys to automatic environments the lifecycle now opens. */
    async afterDeployment(deploymentId: string): Promise<Deployment[]> {
      const finished = await deployments.getById(deploymentId);
      if (finished.state !== 'success') return [];
      const release = await releases.get(finished.spaceId, finished.releaseId);
      const { decision } = await progression(release.spaceId, release, finished.tenantId);
      const who = finished.tenantId === undefined ? {} : { tenantId: finished.tenantId };
      return deployAutomatically(release, decision.automatic, who, await deployments.prompted(finished.id));
    },

    /** The latest deployment per project × environment (× tenant). */
    async dashboard(spaceId: string, projectIds?: ReadonlySet<string>): Promise<DashboardItem[]> {
      if (projectIds?.size === 0) return [];
      const latest = await deployments.latestPerEnvironment(
        spaceId,
        projectIds ? [...projectIds] : undefined,
      );
      const versions = new Map<string, string>();
      const items: DashboardItem[] = [];
      for (const d of latest) {
        let version = versions.get(d.releaseId);
        if (version === undefined) {
          version = (await releases.get(spaceId, d.releaseId)).version;
          versions.set(d.releaseId, version);
        }
        items.push({
          projectId: d.projectId,
          environmentId: d.environmentId,
          ...(d.tenantId === undefined ? {} : { tenantId: d.tenantId }),
          releaseId: d.releaseId,
          releaseVersion: version,
          deploymentId: d.id,
          state: d.state,
          createdAt: d.createdAt,
          ...(d.finishedAt === undefined ? {} : { finishedAt: d.finishedAt }),
        });
      }
      return items;
    },
  };
}

/** A release service's type. */
export type ReleaseService = ReturnType<typeof releaseService>;
