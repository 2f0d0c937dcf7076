/**
 * Versions from image tags, version ranges and channel rules (octopus-model.md). CONTRACT STUB:
 * signatures fixed, bodies being written (issue 5).
 */
import { SlipwayError } from '../errors.js';

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

/** A channel's rule for one package reference. */
export interface ChannelRule {
  /** NuGet/Maven interval: `[1.0,2.0)`, `(,3.0]`, `1.2` (= ≥ 1.2). Undefined = any. */
  versionRange?: string;
  /** Regex on the pre-release part (`^$` = no pre-release). Undefined = any. */
  preReleaseTag?: string;
}

/** Parses a tag as a version; undefined when it is not one (e.g. `latest`). */
export function parseVersion(_tag: string): Version | undefined {
  throw new SlipwayError('NOT_IMPLEMENTED', 'parseVersion is being written');
}

/** Orders versions: numerically, a release above its pre-releases, pre-releases by SemVer rules; metadata ignored. */
export function compareVersions(_a: Version, _b: Version): number {
  throw new SlipwayError('NOT_IMPLEMENTED', 'compareVersions is being written');
}

/** Throws SlipwayError INVALID_INPUT (saying what is wrong) when a rule's range or regex does not parse. */
export function validateChannelRule(_rule: ChannelRule): void {
  throw new SlipwayError('NOT_IMPLEMENTED', 'validateChannelRule is being written');
}

/** True when the version satisfies the rule. */
export function matchesChannelRule(_version: Version, _rule: ChannelRule): boolean {
  throw new SlipwayError('NOT_IMPLEMENTED', 'matchesChannelRule is being written');
}

/** The tags that are versions matching the rule, newest first (tags that are not versions are never chosen). */
export function matchingVersions(_tags: readonly string[], _rule: ChannelRule = {}): Version[] {
  throw new SlipwayError('NOT_IMPLEMENTED', 'matchingVersions is being written');
}
