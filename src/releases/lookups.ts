/**
 * The reading the release service does around the pure rules: whole lists (following cursors),
 * environments and projects by name or id, the package references of a process, tenants as
 * selection sees them, a release by version and a release's effective lifecycle phases.
 */
import { SlipwayError } from '../core/errors.js';
import type { Environment } from '../core/model/environment.js';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import { MAX_PAGE_LIMIT, type Page } from '../core/model/page.js';
import type { Resource } from '../core/model/resource.js';
import {
  effectivePhases,
  type ChannelRuleDoc,
  type EffectivePhase,
  type PackageReference,
  type PhaseDoc,
  type TenantChoice,
} from '../core/releases/index.js';
import type { Release } from '../core/model/release.js';
import { environmentsRepository } from '../store/environments.js';
import { releasesRepository } from '../store/releases.js';
import { resourcesRepository } from '../store/resources.js';
import type { ReleaseServiceDeps } from './deps.js';

/** Every item of a paged list, following `nextCursor`. */
export async function everything<T>(
  page: (query: { limit: number; cursor?: string }) => Promise<Page<T>>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const got = await page({ limit: MAX_PAGE_LIMIT, ...(cursor === undefined ? {} : { cursor }) });
    items.push(...got.items);
    cursor = got.nextCursor;
  } while (cursor !== undefined);
  return items;
}

/** A step of a process document as the service reads it. */
interface StepDoc {
  name: string;
  required?: boolean;
  action?: { packages?: { name: string; feed: string; image: string }[] };
}

/** The steps of a process document (`{ steps: [...] }`). */
export function stepsOf(process: Record<string, unknown>): StepDoc[] {
  return Array.isArray(process.steps) ? (process.steps as StepDoc[]) : [];
}

/** The package references of a process document, in step order. */
export function packageReferences(process: Record<string, unknown>): PackageReference[] {
  return stepsOf(process).flatMap((s) =>
    (s.action?.packages ?? []).map((p) => ({
      step: s.name,
      package: p.name,
      feedId: p.feed,
      image: p.image,
    })),
  );
}

/** The version rules of a channel document. */
export function channelRules(channel: Resource): ChannelRuleDoc[] {
  return (channel.data.rules as ChannelRuleDoc[] | undefined) ?? [];
}

/** NOT_FOUND for a project a request named (by name or id) that the space lacks. */
export function projectNotFound(idOrName: string): SlipwayError {
  return new SlipwayError(
    'NOT_FOUND',
    `There is no project "${idOrName}" in this space; check the name or id.`,
    {
      data: { entity: 'project', name: idOrName },
    },
  );
}

/** INVALID_INPUT for a disabled project (it takes no new releases or deployments), else undefined. */
export function projectDisabled(project: Resource): SlipwayError | undefined {
  if (project.data.disabled !== true) return undefined;
  return new SlipwayError(
    'INVALID_INPUT',
    `Project "${project.name}" is disabled: enable it (disabled: false) before creating releases or deployments.`,
    { data: { project: project.id } },
  );
}

/** NOT_FOUND for an environment a request named (by name or id) that the space lacks. */
export function environmentNotFound(idOrName: string, cause?: unknown): SlipwayError {
  return new SlipwayError(
    'NOT_FOUND',
    `There is no environment "${idOrName}" in this space; check the name or id.`,
    { data: { entity: 'environment', name: idOrName }, ...(cause === undefined ? {} : { cause }) },
  );
}

/** The environment of `environments` with this name (ignoring case), else this id; undefined when none. */
export function environmentNamed(
  environments: readonly Environment[],
  idOrName: string,
): Environment | undefined {
  const lower = idOrName.toLowerCase();
  return (
    environments.find((e) => e.name.toLowerCase() === lower) ?? environments.find((e) => e.id === idOrName)
  );
}

/** Lookups over the deps' store, in one space at a time. */
export function releaseLookups(deps: ReleaseServiceDeps) {
  const { db } = deps.store;
  const repo = (kind: keyof typeof RESOURCE_KINDS) =>
    resourcesRepository(db, deps.secrets, RESOURCE_KINDS[kind]);
  const projects = repo('project');
  const channels = repo('channel');
  const lifecycles = repo('lifecycle');
  const tenants = repo('tenant');
  const envs = environmentsRepository(db);
  const releases = releasesRepository(db, deps.secrets);

  const environments = async (spaceId: string): Promise<Environment[]> =>
    everything((q) => envs.list(spaceId, q));
  const project = async (spaceId: string, idOrName: string): Promise<Resource> => {
    const found = await projects.find(spaceId, idOrName);
    if (!found) throw projectNotFound(idOrName);
    return found;
  };

  return {
    projects,
    channels,
    processes: repo('process'),
    feeds: repo('feed'),
    envs,

    /** The project by id or name; NOT_FOUND naming it. */
    project,

    /** Refuses a disabled project (it takes no new releases or deployments). */
    assertEnabled(project: Resource): void {
      const disabled = projectDisabled(project);
      if (disabled) throw disabled;
    },

    /** The environment by name (ignoring case) or id; NOT_FOUND naming it. */
    async environment(spaceId: string, idOrName: string): Promise<Environment> {
      const byName = await envs.findByName(spaceId, idOrName);
      if (byName) return byName;
      try {
        return await envs.get(spaceId, idOrName);
      } catch (e) {
        if (e instanceof SlipwayError && e.code === 'NOT_FOUND') throw environmentNotFound(idOrName, e);
        throw e;
      }
    },

    /** Every environment of the space, in lifecycle order (sortOrder, name). */
    environments,

    /** The release of a project (by id or name, or as read) with this version (ignoring case); NOT_FOUND naming both. */
    async releaseByVersion(spaceId: string, of: string | Resource, version: string): Promise<Release> {
      const p = typeof of === 'string' ? await project(spaceId, of) : of;
      const found = await releases.findByVersion(spaceId, p.id, version);
      if (!found) {
        throw new SlipwayError('NOT_FOUND', `Project "${p.name}" has no release "${version}".`, {
          data: { entity: 'release', project: p.id, version },
        });
      }
      return found;
    },

    /** Every channel of a project. */
    async channelsOf(spaceId: string, projectId: string): Promise<Resource[]> {
      return everything((q) => channels.list(spaceId, q, { parentId: projectId }));
    },

    /** Every tenant of the space as selection sees it. */
    async tenantChoices(spaceId: string): Promise<TenantChoice[]> {
      const all = await everything((q) => tenants.list(spaceId, q));
      return all.map((t) => {
        const links = (t.data.projects as { project: string; environments: string[] }[] | undefined) ?? [];
        return {
          id: t.id,
          name: t.name,
          tags: (t.data.tags as string[] | undefined) ?? [],
          connections: new Map(links.map((l) => [l.project, l.environments])),
        };
      });
    },

    /**
     * The phases a release of `channel` in `project` follows (the channel's lifecycle, else the
     * project's), over `known` environments (default: read them).
     */
    async phases(
      spaceId: string,
      project: Resource,
      channel: Resource,
      known?: Environment[],
    ): Promise<{ phases: EffectivePhase[]; environments: Environment[]; lifecycle: Resource }> {
      const lifecycleId =
        (channel.data.lifecycle as string | undefined) ?? (project.data.lifecycle as string);
      const lifecycle = await lifecycles.get(spaceId, lifecycleId);
      const all = known ?? (await environments(spaceId));
      const docs = (lifecycle.data.phases as PhaseDoc[] | undefined) ?? [];
      return { phases: effectivePhases(docs, all), environments: all, lifecycle };
    },
  };
}

/** The lookups' type. */
export type ReleaseLookups = ReturnType<typeof releaseLookups>;
