/**
 * Tag → version parsing (octopus-model.md, "Feed tags are versions when…"), in NuGet's lenient spirit:
 * an optional `v`/`V`, one to four numeric parts (missing ones are 0), then SemVer 2 pre-release and
 * build metadata. Anything else (`latest`, `main-abc123`, `sha-…`) is simply not a version.
 */

/** `[v]major[.minor[.patch[.revision]]][-prerelease][+metadata]`; missing numbers are 0. */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  revision: number;
  /** Without the leading `-`; undefined when none. */
  prerelease?: string;
  /** Without the leading `+`. */
  metadata?: string;
  /** The tag as written. */
  original: string;
}

// Identifiers are `[0-9A-Za-z-]+`, dot-separated, none empty. The separators (`.`, `-`, `+`) are never
// part of the repeated groups' first character class, so matching stays linear on hostile input.
const IDENTIFIERS = '[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*';
const VERSION_PATTERN = new RegExp(
  `^[vV]?([0-9]+)(?:\\.([0-9]+))?(?:\\.([0-9]+))?(?:\\.([0-9]+))?(?:-(${IDENTIFIERS}))?(?:\\+(${IDENTIFIERS}))?$`,
);

/**
 * A numeric part as a number; undefined beyond Number.MAX_SAFE_INTEGER (such a tag is not a version, since
 * it could not be ordered exactly). Leading zeros are allowed and ignored, as NuGet does: `1.01` = 1.1.
 */
function numericPart(digits: string | undefined): number | undefined {
  if (digits === undefined) return 0;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Parses a tag as a version; undefined when it is not one (e.g. `latest`). Never throws. */
export function parseVersion(tag: string): Version | undefined {
  if (typeof tag !== 'string') return undefined;
  const m = VERSION_PATTERN.exec(tag);
  if (m === null) return undefined;
  const major = numericPart(m[1]);
  const minor = numericPart(m[2]);
  const patch = numericPart(m[3]);
  const revision = numericPart(m[4]);
  if (major === undefined || minor === undefined || patch === undefined || revision === undefined) {
    return undefined;
  }
  const version: Version = { major, minor, patch, revision, original: tag };
  if (m[5] !== undefined) version.prerelease = m[5];
  if (m[6] !== undefined) version.metadata = m[6];
  return version;
}

/** NuGet's normalized form: three parts, a fourth only when non-zero, then `-prerelease` and `+metadata`. */
export function formatVersion(version: Version): string {
  let s = `${version.major}.${version.minor}.${version.patch}`;
  if (version.revision !== 0) s += `.${version.revision}`;
  if (version.prerelease !== undefined) s += `-${version.prerelease}`;
  if (version.metadata !== undefined) s += `+${version.metadata}`;
  return s;
}
