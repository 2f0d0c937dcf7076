/**
 * VersionMajor ... VersionMetadata: parts of a version as Octopus's version parser reads them
 * (octopus-version.ts), so versions that are not SemVer (`19.0.0.Final`, `1.2.3.4-branch.1`,
 * `latest`) have parts too.
 */
import { parseOctopusVersion, type VersionParts } from './octopus-version.js';
import type { FilterDefinition } from './types.js';
import { noOptions } from './util.js';

export type { VersionParts } from './octopus-version.js';

function part(key: keyof VersionParts): FilterDefinition {
  return noOptions((value) => parseOctopusVersion(value)?.[key]);
}

export const VERSION_FILTERS: Record<string, FilterDefinition> = {
  versionmajor: part('major'),
  versionminor: part('minor'),
  versionpatch: part('patch'),
  versionrevision: part('revision'),
  versionprerelease: part('preRelease'),
  versionprereleaseprefix: part('preReleasePrefix'),
  versionprereleasecounter: part('preReleaseCounter'),
  versionmetadata: part('metadata'),
};
