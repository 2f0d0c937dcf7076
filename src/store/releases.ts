/**
 * Releases: version unique per project (ignoring case), the frozen process and the frozen
 * variables (project + included library sets; sensitive values encrypted in release_variables),
 * "update variables" that takes the snapshot again. CONTRACT: signatures fixed; bodies being written.
 */
import type { Kysely } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import type { Page } from '../core/model/page.js';
import type { Release, SelectedPackage } from '../core/model/release.js';
import type { ScopedVariable } from '../core/variables/types.js';
import type { Actor } from './audit.js';
import type { SecretBox } from './secrets.js';
import type { Database } from './types.js';

function notBuilt(): never {
  throw new SlipwayError('NOT_IMPLEMENTED', 'releases are not stored yet');
}

/** A release to insert (already validated and resolved by the caller). */
export interface NewRelease {
  projectId: string;
  channelId: string;
  version: string;
  notes: string;
  packages: SelectedPackage[];
}

/** The releases repository over `db`. */
export function releasesRepository(db: Kysely<Database>, secrets: SecretBox) {
  void [db, secrets];
  return {
    /**
     * Creates the release, snapshotting the project's process and its variables (project + library
     * sets, in include order) in the same transaction; ALREADY_EXISTS on a taken version.
     */
    async create(spaceId: string, release: NewRelease, by: Actor): Promise<Release> {
      void [spaceId, release, by];
      return notBuilt();
    },
    /** NOT_FOUND when there is none. */
    async get(spaceId: string, id: string): Promise<Release> {
      void [spaceId, id];
      return notBuilt();
    },
    /** The release of `projectId` with this version (ignoring case), or undefined. */
    async findByVersion(spaceId: string, projectId: string, version: string): Promise<Release | undefined> {
      void [spaceId, projectId, version];
      return notBuilt();
    },
    /** Newest first; query: limit, cursor; options: project, channel. */
    async list(
      spaceId: string,
      query: unknown,
      options?: { projectId?: string; channelId?: string },
    ): Promise<Page<Release>> {
      void [spaceId, query, options];
      return notBuilt();
    },
    /** Every version of the project (for the version template's Last*). */
    async versions(spaceId: string, projectId: string, channelId?: string): Promise<string[]> {
      void [spaceId, projectId, channelId];
      return notBuilt();
    },
    /** Takes the variable snapshot again (audited); returns the release. */
    async updateVariables(spaceId: string, id: string, by: Actor): Promise<Release> {
      void [spaceId, id, by];
      return notBuilt();
    },
    /** The frozen variables, decrypted (the engine only; never the API). */
    async variables(spaceId: string, id: string): Promise<ScopedVariable[]> {
      void [spaceId, id];
      return notBuilt();
    },
    /** Deletes a release with no deployment in progress (retention). */
    async delete(spaceId: string, id: string, by: Actor): Promise<void> {
      void [spaceId, id, by];
      return notBuilt();
    },
  };
}

/** A releases repository's type. */
export type ReleasesRepository = ReturnType<typeof releasesRepository>;
