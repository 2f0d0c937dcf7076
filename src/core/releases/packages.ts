/**
 * The package versions a release takes (octopus-model.md "Package versions"): explicit per step/package,
 * else the default version, else the newest feed tag satisfying the channel's rule for that reference.
 */
import { SlipwayError } from '../errors.js';
import type { SelectedPackage } from '../model/release.js';
import {
  compileChannelRule,
  matchesCompiledRule,
  matchingVersions,
  parseVersion,
  type CompiledChannelRule,
} from '../versions/index.js';

/** A package reference of the process: its step, name, feed and image. */
export interface PackageReference {
  step: string;
  package: string;
  feedId: string;
  image: string;
}

/** A channel's version rule (from the channel document). */
export interface ChannelRuleDoc {
  packages: { step: string; package: string }[];
  versionRange?: string;
  preReleaseTag?: string;
}

/** What the caller asked for: per package (optionally per step), and a default for the rest. */
export interface PackageRequest {
  explicit: { step?: string; package: string; version: string }[];
  defaultVersion?: string;
  /** Skip checking explicit versions against the channel's rules. */
  ignoreChannelRules?: boolean;
}

/** The key `tagsByImage` uses. */
export function imageKey(feedId: string, image: string): string {
  return `${feedId}\u0000${image}`;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** How a reference is named in messages. */
export function describeReference(ref: { step: string; package: string }): string {
  return `package "${ref.package}" of step "${ref.step}"`;
}

/** The rule that applies to a reference (its packages list that step + package, ignoring case), if any. */
export function ruleFor(rules: readonly ChannelRuleDoc[], ref: PackageReference): ChannelRuleDoc | undefined {
  return rules.find((r) => r.packages.some((p) => same(p.step, ref.step) && same(p.package, ref.package)));
}

/** A rule in words: `[2.0,3.0) with pre-release tag matching ^beta`. */
export function describeRule(rule: ChannelRuleDoc): string {
  const parts: string[] = [];
  if (rule.versionRange !== undefined && rule.versionRange.trim() !== '')
    parts.push(`range ${rule.versionRange}`);
  if (rule.preReleaseTag !== undefined && rule.preReleaseTag !== '') {
    parts.push(`pre-release tag matching ${rule.preReleaseTag}`);
  }
  return parts.length === 0 ? 'any version' : parts.join(' and ');
}

/** True when `version` satisfies the compiled rule; a tag that is not a version satisfies only an empty rule. */
export function versionFits(version: string, rule: CompiledChannelRule): boolean {
  if (rule.range === undefined && rule.preRelease === undefined) return true;
  const v = parseVersion(version);
  return v !== undefined && matchesCompiledRule(v, rule);
}

/** The explicit entries that apply to a reference: those naming its step win over package-only ones. */
export function explicitFor(
  explicit: PackageRequest['explicit'],
  ref: PackageReference,
): PackageRequest['explicit'] {
  const byStep = explicit.filter(
    (e) => e.step !== undefined && same(e.step, ref.step) && same(e.package, ref.package),
  );
  if (byStep.length > 0) return byStep;
  return explicit.filter((e) => e.step === undefined && same(e.package, ref.package));
}

const SHOWN_TAGS = 5;

/** The newest few tags of a feed listing, versions first (newest first), for messages. */
export function newestTags(tags: readonly string[]): string {
  if (tags.length === 0) return 'the feed lists no tags for it';
  const versions = matchingVersions(tags);
  const shown = versions.slice(0, SHOWN_TAGS).map((v) => v.original);
  const others = tags.length - versions.length;
  const more = versions.length > SHOWN_TAGS ? `, ... (${versions.length} versions)` : '';
  const nonVersions = others > 0 ? `; ${others} tag${others === 1 ? ' is' : 's are'} not a version` : '';
  return shown.length === 0
    ? `no tag is a version (e.g. ${tags.slice(0, SHOWN_TAGS).join(', ')})`
    : `newest: ${shown.join(', ')}${more}${nonVersions}`;
}

function invalid(message: string, data: Record<string, unknown>): SlipwayError {
  return new SlipwayError('INVALID_INPUT', message, { data });
}

/** Explicit entries that name no package reference of the process (a typo is refused, not ignored). */
function checkExplicitUsed(
  references: readonly PackageReference[],
  explicit: PackageRequest['explicit'],
): void {
  const unused = explicit.filter(
    (e) =>
      !references.some(
        (ref) => same(e.package, ref.package) && (e.step === undefined || same(e.step, ref.step)),
      ),
  );
  if (unused.length === 0) return;
  const known = references.map((r) => `${r.step}:${r.package}`).join(', ') || 'none';
  const names = unused.map((e) => (e.step === undefined ? e.package : `${e.step}:${e.package}`)).join(', ');
  throw invalid(
    `No package reference of the process matches ${names}. Package references (step:package): ${known}.`,
    { unknown: names },
  );
}

/**
 * The version of every package reference: explicit, else the default, else the newest tag in
 * `tagsByImage` (feedId + image → tags) satisfying the channel's rule for that reference.
 * INVALID_INPUT naming the reference when none fits, or when an explicit version breaks the rule.
 */
export function selectPackageVersions(
  references: readonly PackageReference[],
  rules: readonly ChannelRuleDoc[],
  request: PackageRequest,
  tagsByImage: ReadonlyMap<string, readonly string[]>,
): SelectedPackage[] {
  checkExplicitUsed(references, request.explicit);
  return references.map((ref): SelectedPackage => {
    const rule = ruleFor(rules, ref);
    // A bad range or regex is the channel's fault: say so instead of finding nothing.
    const compiled = rule === undefined ? {} : compileChannelRule(rule);
    const chosen = explicitFor(request.explicit, ref);
    const distinct = [...new Set(chosen.map((e) => e.version))];
    if (distinct.length > 1) {
      throw invalid(
        `${describeReference(ref)} was given several versions: ${distinct.join(', ')}. Give one.`,
        {
          step: ref.step,
          package: ref.package,
        },
      );
    }
    const given = distinct[0] ?? request.defaultVersion;
    if (given !== undefined) {
      if (given.trim() === '' || /\s/.test(given)) {
        throw invalid(`The version "${given}" given for ${describeReference(ref)} is empty or has spaces.`, {
          step: ref.step,
          package: ref.package,
        });
      }
      if (rule !== undefined && request.ignoreChannelRules !== true && !versionFits(given, compiled)) {
        throw invalid(
          `Version ${given} of ${describeReference(ref)} breaks the channel's rule (${describeRule(rule)}). ` +
            'Give a version that fits, choose another channel, or ignore the channel rules.',
          { step: ref.step, package: ref.package, version: given },
        );
      }
      return { ...ref, version: given };
    }
    const tags = tagsByImage.get(imageKey(ref.feedId, ref.image));
    if (tags === undefined) {
      throw invalid(
        `The tags of image ${ref.image} (feed ${ref.feedId}) were not read, so no version can be chosen for ` +
          `${describeReference(ref)}. Give its version explicitly.`,
        { step: ref.step, package: ref.package, image: ref.image },
      );
    }
    // matchingVersions lists newest first.
    const newest = matchingVersions(tags).find((v) => matchesCompiledRule(v, compiled));
    if (newest === undefined) {
      throw invalid(
        `No tag of image ${ref.image} fits ${describeReference(ref)}` +
          (rule === undefined ? '' : ` under the channel's rule (${describeRule(rule)})`) +
          ` (${newestTags(tags)}). Push a matching tag or give the version explicitly.`,
        { step: ref.step, package: ref.package, image: ref.image },
      );
    }
    return { ...ref, version: newest.original };
  });
}
