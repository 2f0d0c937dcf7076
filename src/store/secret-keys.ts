/**
 * Bearer secrets Slipway only needs to recognise (worker registration tokens, worker keys): a
 * `<kind>_<prefix>_<secret>` string whose public prefix finds the row and whose SHA-256 is all that
 * is stored, compared in constant time. The same scheme as API keys (api-keys.ts, docs/security.md):
 * 256 random bits need no slow hash.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The kinds of key, by their first word: a registration token, a worker's own key. */
export type KeyKind = 'slwr' | 'slwk';

const PREFIX_BYTES = 6; // 12 hex characters: enough to find a row, harmless to show
const SECRET_BYTES = 32;

/** A new key: show `key` once, store `prefix` and `hash`. */
export interface IssuedKey {
  key: string;
  prefix: string;
  /** Hex SHA-256 of the whole key. */
  hash: string;
}

/** Makes a new key of `kind`. */
export function issueKey(kind: KeyKind): IssuedKey {
  const prefix = randomBytes(PREFIX_BYTES).toString('hex');
  const key = `${kind}_${prefix}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { key, prefix, hash: hashOf(key).toString('hex') };
}

function hashOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The public prefix of a well-formed key of `kind`; undefined for anything else. */
export function prefixOf(kind: KeyKind, key: string): string | undefined {
  const m = new RegExp(`^${kind}_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$`).exec(key);
  return m?.[1];
}

/**
 * Whether `key` hashes to `storedHex`. Compares against something even when there is no stored
 * hash, so timing does not tell an unknown prefix from a wrong secret.
 */
export function keyMatches(key: string, storedHex: string | undefined): boolean {
  const presented = hashOf(key);
  const stored = storedHex === undefined ? Buffer.alloc(presented.length) : Buffer.from(storedHex, 'hex');
  return stored.length === presented.length && timingSafeEqual(stored, presented) && storedHex !== undefined;
}
