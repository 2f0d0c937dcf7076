/**
 * Versions read as Octopus's own version parser reads them for the Version* filters
 * (`[v]major[.minor[.patch[.revision]]][sep]prerelease[+metadata]`, every part optional), so that
 * `19.0.0.Final`, `284.0.0-debian_component_based`, `1.2.3.4-branch.1` and `latest` all have parts.
 * Octopus matches one backtracking regular expression; each of its parts stops at a fixed kind of
 * character, so there is a single way to match and this reads the text once, left to right, with the
 * same results (octostache-parity.test.ts holds Octopus's own cases). Linear in the text.
 */
import { isSpace } from '../names.js';

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

const INT32_MAX = 2147483647;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isAlnum(c: string | undefined): boolean {
  return c !== undefined && (isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

function isSeparator(c: string | undefined): boolean {
  return c === '.' || c === '-' || c === '_' || c === '\\';
}

function isMeta(c: string | undefined): boolean {
  return isAlnum(c) || isSeparator(c) || c === '+';
}

function isWhite(c: string | undefined): boolean {
  return c !== undefined && isSpace(c.charCodeAt(0));
}

/** The numeric block from `i`: `\s*[vV]?\s*\d+\s*` then up to three `.\s*\d+\s*`, greedy. */
function numbers(s: string, i: number): { end: number; parts: string[] } | undefined {
  let j = i;
  while (isWhite(s[j])) j++;
  if (s[j] === 'v' || s[j] === 'V') j++;
  while (isWhite(s[j])) j++;
  const parts: string[] = [];
  for (;;) {
    const start = j;
    while (isDigit(s[j])) j++;
    if (j === start) break;
    parts.push(s.slice(start, j));
    while (isWhite(s[j])) j++;
    if (parts.length === 4 || s[j] !== '.') break;
    // `.` must be followed by (spaces and) digits, or it is not part of the numbers
    let k = j + 1;
    while (isWhite(s[k])) k++;
    if (!isDigit(s[k])) break;
    j = k;
  }
  return parts.length ? { end: j, parts } : undefined;
}

/** `(\+meta)?\s*$` from `i`: the metadata, or undefined when the rest does not fit. */
function metadata(s: string, i: number): string | undefined {
  let j = i;
  let meta = '';
  if (s[j] === '+') {
    j++;
    const start = j;
    while (isMeta(s[j])) j++;
    meta = s.slice(start, j);
  }
  while (isWhite(s[j])) j++;
  return j === s.length ? meta : undefined;
}

/** Parses a version as Octopus does, or undefined where Octopus's parser throws (blank, no match, a part past Int32). */
export function parseOctopusVersion(text: string): VersionParts | undefined {
  let i = 0;
  while (isWhite(text[i])) i++;
  if (i === text.length) return undefined;
  const numeric = numbers(text, i);
  const values = (numeric?.parts ?? []).map(Number);
  if (values.some((n) => n > INT32_MAX)) return undefined;
  if (numeric) i = numeric.end;
  if (isSeparator(text[i])) i++;
  // prerelease: the prefix is the letters and digits, then a separator and the counter
  const preStart = i;
  let j = i;
  while (isAlnum(text[j])) j++;
  const prefix = text.slice(i, j);
  let counter = '';
  if (isSeparator(text[j])) {
    const counterStart = j + 1;
    j = counterStart;
    while (isAlnum(text[j]) || isSeparator(text[j])) j++;
    counter = text.slice(counterStart, j);
  }
  const meta = metadata(text, j);
  if (meta === undefined) return undefined;
  const part = (n: number) => String(values[n] ?? 0);
  return {
    major: part(0),
    minor: part(1),
    patch: part(2),
    revision: part(3),
    preRelease: text.slice(preStart, j),
    preReleasePrefix: prefix,
    preReleaseCounter: counter,
    metadata: meta,
  };
}
