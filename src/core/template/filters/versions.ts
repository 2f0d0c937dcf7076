/**
 * VersionMajor ... VersionMetadata: parts of `[v]major[.minor[.patch[.revision]]][-prerelease][+metadata]`,
 * read with the same parser feeds use for tags (core/versions).
 */
import { parseVersion as parseTagVersion } from '../../versions/index.js';
import type { FilterDefinition } from './types.js';
import { noOptions } from './util.js';

/** The parts of a version, as text; absent numeric parts are "0", absent labels "". */
export interface VersionParts {
  major: string;
  minor: string;
  patch: string;
  revision: string;
  preRelease: string;
  preReleasePrefix: string;
  preReleaseCounter: string;
  metadata: string;
}

// "beta.4" → beta / 4; "rc-2" → rc / 2; "beta" → beta / ""; "alpha.1.2" → alpha.1 / 2.
const PRE_RELEASE = /^(.*?)(?:[.-]?(\d+))?$/;

/** Parses a version, or undefined when it is not one. */
export function parseVersion(text: string): VersionParts | undefined {
  const v = parseTagVersion(text.trim());
  if (!v) return undefined;
  const preRelease = v.prerelease ?? '';
  const pre = PRE_RELEASE.exec(preRelease);
  return {
    major: String(v.major),
    minor: String(v.minor),
    patch: String(v.patch),
    revision: String(v.revision),
    preRelease,
    preReleasePrefix: pre?.[1] ?? '',
    preReleaseCounter: pre?.[2] ?? '',
    metadata: v.metadata ?? '',
  };
}

function part(key: keyof VersionParts): FilterDefinition {
  return noOptions((value) => parseVersion(value)?.[key]);
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
