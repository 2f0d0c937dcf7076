/**
 * The next release version (octopus-model.md "Release versions"): the project's template rendered with
 * the `#{...}` language and Octopus.Version.* / Octopus.Date.* / Octopus.Time.*, then, when the result is
 * a mask like `1.2.i` or `1.c.i`, the mask applied to the last release (docs/releases.md).
 */
import { SlipwayError } from '../errors.js';
import { releaseVersionProblem } from '../model/release.js';
import { renderTemplate } from '../template/index.js';
import { compareVersions, formatVersion, parseVersion, type Version } from '../versions/index.js';

/** What the version template sees: earlier release versions of the project (any order) and the clock. */
export interface VersionContext {
  previousVersions: readonly string[];
  now: Date;
  /** Project variables (unscoped values) and package versions (`Octopus.Action.Package[ref].PackageVersion`). */
  variables?: Record<string, string>;
  /**
   * Versions of the releases in the release's channel (any order), for Octopus.Version.Channel.*;
   * default: undefined, and a template using those variables is refused.
   */
  channelVersions?: readonly string[];
  /** The release's channel, for Octopus.Release.Channel.Name (default: not defined). */
  channelName?: string;
}

const PARTS = ['Major', 'Minor', 'Patch', 'Revision'] as const;

/** The four numbers of a version in order. */
function numbers(v: Version): [number, number, number, number] {
  return [v.major, v.minor, v.patch, v.revision];
}

/** The highest version by version order among those that parse; undefined when none does. */
function highest(versions: readonly string[]): Version | undefined {
  let best: Version | undefined;
  for (const text of versions) {
    const v = parseVersion(text);
    if (v !== undefined && (best === undefined || compareVersions(v, best) > 0)) best = v;
  }
  return best;
}

/** Octopus.Version[.Channel].LastX and NextX for the highest of `versions` (0.0.0 when none). */
function versionVariables(prefix: string, versions: readonly string[]): Record<string, string> {
  const last = highest(versions);
  const values = last === undefined ? [0, 0, 0, 0] : numbers(last);
  const suffix = last?.prerelease === undefined ? '' : `-${last.prerelease}`;
  const vars: Record<string, string> = {};
  PARTS.forEach((part, i) => {
    const n = values[i] ?? 0;
    vars[`${prefix}.Last${part}`] = String(n);
    vars[`${prefix}.Next${part}`] = String(n + 1);
  });
  // Octopus calls the fourth number both Build and Revision.
  vars[`${prefix}.LastBuild`] = vars[`${prefix}.LastRevision`] ?? '0';
  vars[`${prefix}.NextBuild`] = vars[`${prefix}.NextRevision`] ?? '1';
  vars[`${prefix}.LastSuffix`] = suffix;
  vars[`${prefix}.NextSuffix`] = suffix;
  return vars;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Octopus.Date.* and Octopus.Time.* in UTC; numbers are not zero-padded (valid SemVer parts). */
function clockVariables(now: Date): Record<string, string> {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  const day = now.getUTCDate();
  const dayOfYear = Math.floor((Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
  return {
    'Octopus.Date.Year': String(year),
    'Octopus.Date.Month': String(month),
    'Octopus.Date.Day': String(day),
    'Octopus.Date.DayOfYear': String(dayOfYear),
    // yyyyMMdd: one number, so it can be a version part (`1.0.#{Octopus.Date.Date}`).
    'Octopus.Date.Date': `${year}${pad(month, 2)}${pad(day, 2)}`,
    'Octopus.Time.Hour': String(now.getUTCHours()),
    'Octopus.Time.Minute': String(now.getUTCMinutes()),
    'Octopus.Time.Second': String(now.getUTCSeconds()),
  };
}

/** The variables a version template sees; Octopus.* values win over project variables of the same name. */
export function versionTemplateVariables(context: VersionContext): Record<string, string> {
  const vars: Record<string, string> = { ...(context.variables ?? {}) };
  Object.assign(
    vars,
    versionVariables('Octopus.Version', context.previousVersions),
    clockVariables(context.now),
  );
  if (context.channelVersions !== undefined) {
    Object.assign(vars, versionVariables('Octopus.Version.Channel', context.channelVersions));
  }
  if (context.channelName !== undefined) vars['Octopus.Release.Channel.Name'] = context.channelName;
  return vars;
}

const MASK =
  /^((?:[0-9]+|[ic])(?:\.(?:[0-9]+|[ic])){0,3})((?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)$/;

/** A parsed mask: its numeric parts (a number, `i` or `c`) and the suffix as written (`-beta`, ''). */
export interface VersionMask {
  parts: (number | 'i' | 'c')[];
  suffix: string;
}

/** The mask in `text` when it is one (one to four parts, at least one `i` or `c`); undefined otherwise. */
export function parseVersionMask(text: string): VersionMask | undefined {
  const m = MASK.exec(text);
  if (m === null) return undefined;
  const parts = (m[1] ?? '').split('.').map((p) => (p === 'i' || p === 'c' ? p : Number(p)));
  if (!parts.some((p) => p === 'i' || p === 'c')) return undefined;
  if (parts.some((p) => typeof p === 'number' && !Number.isSafeInteger(p))) return undefined;
  return { parts, suffix: m[2] ?? '' };
}

/**
 * Applies a mask as Octopus does: the base is the highest previous version that has the mask's leading
 * numbers (so `1.2.i` continues the 1.2 line even when 2.0.0 exists); `i` is the base's part + 1, `c` the
 * base's part, numbers stay; any `i`/`c` after an incremented part is 0. No base: every `i`/`c` is 0.
 */
export function applyVersionMask(mask: VersionMask, previousVersions: readonly string[]): string {
  const leading: number[] = [];
  for (const p of mask.parts) {
    if (typeof p !== 'number') break;
    leading.push(p);
  }
  const base = highest(
    previousVersions.filter((text) => {
      const v = parseVersion(text);
      return v !== undefined && leading.every((n, i) => numbers(v)[i] === n);
    }),
  );
  const baseParts = base === undefined ? undefined : numbers(base);
  let incremented = false;
  const out = mask.parts.map((p, i) => {
    if (typeof p === 'number') return p;
    if (baseParts === undefined || incremented) return 0;
    const current = baseParts[i] ?? 0;
    if (p === 'c') return current;
    incremented = true;
    return current + 1;
  });
  return out.join('.') + mask.suffix;
}

function invalid(message: string, data: Record<string, unknown>): SlipwayError {
  return new SlipwayError('INVALID_INPUT', message, { data });
}

/** The normalized identity of a version for "already exists": 1.2 = 1.2.0 = v1.2.0, case-insensitive. */
function identity(text: string): string {
  const v = parseVersion(text);
  return (v === undefined ? text : formatVersion(v)).toLowerCase();
}

/**
 * The next release version from `template` (the `#{...}` language with Octopus.Version.LastX and NextX,
 * Octopus.Version.Channel.X, Octopus.Date.X, Octopus.Time.X) or a mask like `1.2.i` / `1.c.i`
 * (i = increment the last release's part, c = keep it). INVALID_INPUT when it renders empty or
 * references something unknown, when the result is not a version, or when a release has it already.
 */
export function nextReleaseVersion(template: string, context: VersionContext): string {
  const vars = versionTemplateVariables(context);
  const rendered = renderTemplate(template, vars, { now: () => context.now });
  if (rendered.error !== undefined) {
    throw invalid(`Release version template "${template}" does not parse: ${rendered.error}`, { template });
  }
  if (rendered.missing.length > 0) {
    const channel = rendered.missing.some((name) => name.toLowerCase().includes('octopus.version.channel.'));
    throw invalid(
      `Release version template "${template}" refers to ${rendered.missing.join(', ')}, ` +
        `which ${rendered.missing.length === 1 ? 'is' : 'are'} not defined. ` +
        (channel
          ? "Octopus.Version.Channel.* needs the versions of the release's channel; "
          : 'Define it as an unscoped project variable, ') +
        'or pass a version explicitly.',
      { template, missing: rendered.missing },
    );
  }
  const text = (rendered.output ?? '').trim();
  const mask = parseVersionMask(text);
  const version = mask === undefined ? text : applyVersionMask(mask, context.previousVersions);
  // One rule for explicit and template-made versions (core/model/release.ts).
  if (version === '' || releaseVersionProblem(version) !== undefined) {
    throw invalid(
      `Release version template "${template}" gave "${version}", which is not a version ` +
        '(expected e.g. 1.2.3, 1.2.3.4 or 1.2.3-beta.1). Fix the template or pass a version explicitly.',
      { template, rendered: version },
    );
  }
  const id = identity(version);
  if (context.previousVersions.some((v) => identity(v) === id)) {
    throw invalid(
      `Release version template "${template}" gave ${version}, but a release ${version} already exists. ` +
        'Pass a version explicitly, or change the template (e.g. use Octopus.Version.NextPatch or a mask like 1.0.i).',
      { template, rendered: version },
    );
  }
  return version;
}
