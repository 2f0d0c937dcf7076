/**
 * Channel version rules (octopus-model.md): a version matches when it is in the range (if any) AND the
 * pre-release regex (if any) finds a match in its pre-release label, taken as '' when it has none, so `^$`
 * means "releases only" and `^beta` "beta pre-releases". The regex uses .NET syntax as Octopus's does
 * (case-sensitive by default) and runs in linear time (RE2), so no rule can hang the server.
 */
import { SlipwayError } from '../errors.js';
import { compileLinearPattern, type LinearPattern } from '../template/filters/regex.js';
import { compareVersions } from './compare.js';
import { parseVersion, type Version } from './parse.js';
import { parseVersionRange, satisfiesRange, type VersionRange } from './range.js';

/** A channel's rule for one package reference. */
export interface ChannelRule {
  /** NuGet/Maven interval: `[1.0,2.0)`, `(,3.0]`, `1.2` (= ≥ 1.2). Undefined = any. */
  versionRange?: string;
  /** Regex on the pre-release part (`^$` = no pre-release). Undefined = any. */
  preReleaseTag?: string;
}

/** A rule parsed once, for matching many versions. */
export interface CompiledChannelRule {
  range?: VersionRange;
  preRelease?: LinearPattern;
}

/**
 * Parses a rule; throws SlipwayError INVALID_INPUT on a bad range or regex. Blank fields count as absent,
 * since forms and JSON bodies often send '' for "no rule".
 */
export function compileChannelRule(rule: ChannelRule): CompiledChannelRule {
  const compiled: CompiledChannelRule = {};
  const range = rule.versionRange;
  if (range !== undefined && range.trim() !== '') compiled.range = parseVersionRange(range);
  const tag = rule.preReleaseTag;
  if (tag !== undefined && tag !== '') {
    const pattern = compileLinearPattern(tag);
    if ('error' in pattern) {
      throw new SlipwayError(
        'INVALID_INPUT',
        `Pre-release tag rule "${tag}" is not a usable regular expression (${pattern.error}). ` +
          'It is matched against the pre-release part of a version, e.g. ^$ for no pre-release, ^beta for beta ones.',
        { data: { preReleaseTag: tag } },
      );
    }
    compiled.preRelease = pattern;
  }
  return compiled;
}

/** Throws SlipwayError INVALID_INPUT (saying what is wrong) when a rule's range or regex does not parse. */
export function validateChannelRule(rule: ChannelRule): void {
  compileChannelRule(rule);
}

/** True when the version satisfies an already compiled rule. */
export function matchesCompiledRule(version: Version, rule: CompiledChannelRule): boolean {
  if (rule.range !== undefined && !satisfiesRange(version, rule.range)) return false;
  if (rule.preRelease !== undefined && !rule.preRelease.test(version.prerelease ?? '')) return false;
  return true;
}

/** Compiles a rule, or undefined when it is invalid: an invalid rule matches nothing rather than throwing. */
function tryCompile(rule: ChannelRule): CompiledChannelRule | undefined {
  try {
    return compileChannelRule(rule);
  } catch {
    return undefined;
  }
}

/** True when the version satisfies the rule; never throws (an invalid rule matches nothing). */
export function matchesChannelRule(version: Version, rule: ChannelRule): boolean {
  const compiled = tryCompile(rule);
  return compiled !== undefined && matchesCompiledRule(version, compiled);
}

/**
 * The tags that are versions matching the rule, newest first (tags that are not versions are never chosen).
 * A tag listed twice appears once. Never throws: an invalid rule gives [] (check it with validateChannelRule).
 */
export function matchingVersions(tags: readonly string[], rule: ChannelRule = {}): Version[] {
  const compiled = tryCompile(rule);
  if (compiled === undefined) return [];
  const versions: Version[] = [];
  for (const tag of new Set(tags)) {
    const v = parseVersion(tag);
    if (v !== undefined && matchesCompiledRule(v, compiled)) versions.push(v);
  }
  return versions.sort((a, b) => compareVersions(b, a));
}
