/** Entity tags of versioned resources: `ETag: "<version>"`, checked by If-Match and If-None-Match. */
import { SlipwayError } from '../core/errors.js';

/** The ETag of a resource at `version` (strong: the version changes with every change). */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** The tags in an If-None-Match / If-Match header value (`*` kept as is; weak prefixes dropped). */
function tags(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .filter((t) => t !== '');
}

/** True when an If-None-Match value matches `version` (then a GET answers 304). */
export function noneMatch(header: string | undefined, version: number): boolean {
  if (header === undefined) return false;
  return tags(header).some((t) => t === '*' || t === etagOf(version));
}

/**
 * The version an If-Match header names; undefined when there is none. A malformed value is
 * INVALID_INPUT rather than ignored, since ignoring it would turn a guarded write into a blind one.
 */
export function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^"(\d{1,15})"$/.exec(header.trim());
  if (!match?.[1]) {
    throw new SlipwayError(
      'INVALID_INPUT',
      `Invalid If-Match header: ${JSON.stringify(header)} is not an ETag this server returned; ` +
        `send the ETag of your last GET, e.g. If-Match: "3".`,
      { data: { issues: [`If-Match: not an ETag this server returned`] } },
    );
  }
  return Number(match[1]);
}
