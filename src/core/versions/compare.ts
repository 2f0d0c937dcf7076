/**
 * Version ordering. Precedence: major, minor, patch, revision numerically; a release above its pre-releases;
 * pre-releases as SemVer 2 (dot-separated identifiers, numeric ones numerically and below alphanumeric ones,
 * fewer identifiers lower when all shared ones are equal). Alphanumeric identifiers compare case-insensitively,
 * as NuGet's comparer does (Octopus is built on it), so `RC.1` and `rc.1` have the same precedence.
 * Metadata never affects precedence.
 */
import type { Version } from './parse.js';

const NUMERIC = /^[0-9]+$/;

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Ordinal (code unit) comparison: locale-independent, so sorting is the same on every machine. */
function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Numeric identifiers of any length (pre-release numbers may exceed safe integers), leading zeros ignored. */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=.)/, '');
  const y = b.replace(/^0+(?=.)/, '');
  return x.length !== y.length ? sign(x.length - y.length) : ordinal(x, y);
}

function compareIdentifier(a: string, b: string): number {
  const aNum = NUMERIC.test(a);
  const bNum = NUMERIC.test(b);
  if (aNum && bNum) return compareDigits(a, b);
  if (aNum) return -1;
  if (bNum) return 1;
  return ordinal(a.toLowerCase(), b.toLowerCase());
}

/** Compares two pre-release labels (without `-`) by SemVer 2 rules, case-insensitively. */
export function comparePrerelease(a: string, b: string): number {
  const xs = a.split('.');
  const ys = b.split('.');
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const c = compareIdentifier(xs[i] ?? '', ys[i] ?? '');
    if (c !== 0) return c;
  }
  return sign(xs.length - ys.length);
}

/** Precedence only: 0 for versions that are the same version (`1.2`, `v1.2.0`, `1.2.0+abc`). Used by ranges. */
export function comparePrecedence(a: Version, b: Version): number {
  const numbers =
    sign(a.major - b.major) ||
    sign(a.minor - b.minor) ||
    sign(a.patch - b.patch) ||
    sign(a.revision - b.revision);
  if (numbers !== 0) return numbers;
  if (a.prerelease === undefined) return b.prerelease === undefined ? 0 : 1;
  if (b.prerelease === undefined) return -1;
  return comparePrerelease(a.prerelease, b.prerelease);
}

/**
 * Orders versions: numerically, a release above its pre-releases, pre-releases by SemVer rules; metadata ignored.
 * Versions of equal precedence are ordered by their original tag (ordinally), so the order is total and sorting
 * gives the same result whatever order the feed listed the tags in.
 */
export function compareVersions(a: Version, b: Version): number {
  return comparePrecedence(a, b) || ordinal(a.original, b.original);
}
