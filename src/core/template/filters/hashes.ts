/** Md5 / Sha1 / Sha256 / Sha384 / Sha512: lower-case hex digest, optionally truncated to a byte size. */
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { encodeText, encodingOf, fromBase64 } from './bytes.js';
import type { FilterDefinition } from './types.js';
import { parseInt32, withValue } from './util.js';

type Hash = (bytes: Uint8Array) => Uint8Array;

interface HashOptions {
  size?: number;
  bytes: (value: string) => Uint8Array | undefined;
}

function bytesReader(option: string): HashOptions['bytes'] | undefined {
  // Octostache also accepts base64: the input is then the base64 text of the bytes to hash.
  if (option.toLowerCase() === 'base64') return fromBase64;
  const encoding = option === '' ? undefined : encodingOf(option);
  return encoding && ((value: string) => encodeText(value, encoding));
}

function positive(option: string): number | undefined {
  const n = parseInt32(option);
  return n !== undefined && n > 0 ? n : undefined;
}

/** Options are [size] [encoding], in either order (as Octostache). */
function parseHashOptions(options: string[]): HashOptions | undefined {
  const utf8: HashOptions['bytes'] = (value) => encodeText(value, 'utf8');
  if (options.length === 0) return { bytes: utf8 };
  if (options.length > 2) return undefined;
  const [first, second] = options as [string, string | undefined];
  const size = positive(first);
  if (size !== undefined) {
    if (second === undefined) return { size, bytes: utf8 };
    const bytes = bytesReader(second);
    return bytes && { size, bytes };
  }
  const bytes = bytesReader(first);
  if (!bytes) return undefined;
  if (second === undefined) return { bytes };
  const size2 = positive(second);
  return size2 === undefined ? undefined : { size: size2, bytes };
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

function hashFilter(hash: Hash): FilterDefinition {
  return withValue((value, options) => {
    const parsed = parseHashOptions(options);
    const input = parsed?.bytes(value);
    if (!parsed || !input) return undefined;
    const digest = hash(input);
    return hex(parsed.size === undefined ? digest : digest.subarray(0, parsed.size));
  });
}

export const HASH_FILTERS: Record<string, FilterDefinition> = {
  md5: hashFilter(md5),
  sha1: hashFilter(sha1),
  sha256: hashFilter(sha256),
  sha384: hashFilter(sha384),
  sha512: hashFilter(sha512),
};
