/**
 * VersionMajor ... VersionMetadata: parts of `[v]major[.minor[.patch[.revision]]][-prerelease][+metadata]`.
 * Parsed here on purpose (not with core/versions) so the filters stay self-contained.
 */
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

const VERSION =
  /^\s*[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?\s*$/;
// "beta.4" → beta / 4; "rc-2" → rc / 2; "beta" → beta / ""; "alpha.1.2" → alpha.1 / 2.
const PRE_RELEASE = /^(.*?)(?:[.-]?(\d+))?$/;

function number(text: string | undefined): string {
  return text === undefined ? '0' : text.replace(/^0+(?=\d)/, '');
}

/** Parses a version, or undefined when it is not one. */
export function parseVersion(text: string): VersionParts | undefined {
  const m = VERSION.exec(text);
  if (!m) return undefined;
  const preRelease = m[5] ?? '';
  const pre = PRE_RELEASE.exec(preRelease);
  return {
    major: number(m[1]),
    minor: number(m[2]),
    patch: number(m[3]),
    revision: number(m[4]),
    preRelease,
    preReleasePrefix: pre?.[1] ?? '',
    preReleaseCounter: pre?.[2] ?? '',
    metadata: m[6] ?? '',
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
