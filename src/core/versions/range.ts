/**
 * Version ranges in NuGet/Maven interval notation: `1.0` (≥ 1.0), `[1.0]` (exactly), `[1.0,2.0)`, `(1.0,2.0]`,
 * `(,2.0]`, `[1.0,)`, `(1.0,)`. Whitespace around the range and its bounds is ignored; an open end may be
 * written with either bracket (`[,2.0]` = `(,2.0]`).
 *
 * Pre-releases follow NuGet: a range is a plain interval over version precedence, so `2.0.0-beta` (below 2.0.0)
 * is inside `[1.0,2.0)`, `1.0.0-beta` (below 1.0.0) is outside `[1.0,2.0)`, and `1.5.0-beta` is inside it.
 * The flip side: `2.0.0-beta` is outside `[2.0,3.0)` and `3.0.0-beta` inside; to take every 2.x pre-release
 * write `[2.0.0-0,3.0.0-0)` (`-0` is the lowest pre-release). Excluding pre-releases is the job of a channel's
 * pre-release tag rule (`^$`), not of the range.
 */
import { SlipwayError } from '../errors.js';
import { comparePrecedence } from './compare.js';
import { formatVersion, parseVersion, type Version } from './parse.js';

/** A parsed range; a missing bound is unbounded on that side. */
export interface VersionRange {
  min?: Version;
  minInclusive: boolean;
  max?: Version;
  maxInclusive: boolean;
  /** The range as written. */
  original: string;
}

export const VALID_RANGE_FORMS =
  '1.0 (≥ 1.0), [1.0] (exactly 1.0), [1.0,2.0) (≥ 1.0 and < 2.0), (1.0,2.0] (> 1.0 and ≤ 2.0), ' +
  '(,2.0] (≤ 2.0), (,2.0) (< 2.0), [1.0,) (≥ 1.0), (1.0,) (> 1.0)';

function invalid(range: string, reason: string): SlipwayError {
  return new SlipwayError(
    'INVALID_INPUT',
    `Version range "${range}" is not valid: ${reason}. Valid forms: ${VALID_RANGE_FORMS}.`,
    { data: { range } },
  );
}

function bound(range: string, text: string, which: string): Version {
  const v = parseVersion(text);
  if (v === undefined) {
    throw invalid(range, `its ${which} "${text}" is not a version (expected e.g. 1.2 or 1.2.3-beta.1)`);
  }
  return v;
}

/** Parses a range; throws SlipwayError INVALID_INPUT quoting the range and listing the valid forms. */
export function parseVersionRange(range: string): VersionRange {
  const s = range.trim();
  if (s === '') throw invalid(range, 'it is empty (leave the range out to allow any version)');
  const open = s[0];
  const close = s[s.length - 1];
  const opens = open === '[' || open === '(';
  const closes = close === ']' || close === ')';

  if (!opens) {
    if (closes) throw invalid(range, `it ends with "${close}" but does not start with "[" or "("`);
    if (s.includes(',')) throw invalid(range, 'a range with two bounds needs brackets, e.g. [1.0,2.0)');
    // A bare version is NuGet's "minimum, inclusive".
    return { min: bound(range, s, 'version'), minInclusive: true, maxInclusive: false, original: range };
  }
  if (!closes || s.length < 2) {
    throw invalid(range, `it starts with "${open}" but does not end with "]" or ")"`);
  }

  const inner = s.slice(1, -1);
  const parts = inner.split(',').map((p) => p.trim());
  if (parts.length > 2) throw invalid(range, 'it has more than two bounds');

  if (parts.length === 1) {
    const only = parts[0] ?? '';
    if (only === '') throw invalid(range, 'it has no version between the brackets');
    if (open !== '[' || close !== ']') {
      throw invalid(range, `an exact version is written with square brackets, e.g. [${only}]`);
    }
    const v = bound(range, only, 'version');
    return { min: v, minInclusive: true, max: v, maxInclusive: true, original: range };
  }

  const [minText = '', maxText = ''] = parts;
  if (minText === '' && maxText === '') throw invalid(range, 'it has neither a minimum nor a maximum');
  const result: VersionRange = {
    minInclusive: open === '[' && minText !== '',
    maxInclusive: close === ']' && maxText !== '',
    original: range,
  };
  if (minText !== '') result.min = bound(range, minText, 'minimum');
  if (maxText !== '') result.max = bound(range, maxText, 'maximum');

  // An empty interval is always a mistake: it would silently match no tag at all.
  if (result.min !== undefined && result.max !== undefined) {
    const c = comparePrecedence(result.min, result.max);
    if (c > 0) {
      throw invalid(
        range,
        `its minimum ${formatVersion(result.min)} is above its maximum ${formatVersion(result.max)}`,
      );
    }
    if (c === 0 && !(result.minInclusive && result.maxInclusive)) {
      throw invalid(
        range,
        `no version fits it (write [${minText}] for exactly ${formatVersion(result.min)})`,
      );
    }
  }
  return result;
}

/** True when the version lies in the range (by precedence: metadata ignored, pre-releases as NuGet). */
export function satisfiesRange(version: Version, range: VersionRange): boolean {
  if (range.min !== undefined) {
    const c = comparePrecedence(version, range.min);
    if (c < 0 || (c === 0 && !range.minInclusive)) return false;
  }
  if (range.max !== undefined) {
    const c = comparePrecedence(version, range.max);
    if (c > 0 || (c === 0 && !range.maxInclusive)) return false;
  }
  return true;
}

/** The range in normalized interval notation, e.g. `[1.0.0, 2.0.0)`; a bare minimum prints as `[1.0.0, )`. */
export function formatVersionRange(range: VersionRange): string {
  const min = range.min === undefined ? '' : formatVersion(range.min);
  const max = range.max === undefined ? '' : formatVersion(range.max);
  if (range.min !== undefined && range.max !== undefined && min === max && range.minInclusive)
    return `[${min}]`;
  return `${range.minInclusive ? '[' : '('}${min}, ${max}${range.maxInclusive ? ']' : ')'}`;
}
