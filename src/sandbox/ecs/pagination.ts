/**
 * ECS list pagination. The token is opaque to clients: base64url of the key of the last item
 * returned, so that a page stays correct when items before it are added or removed.
 */
import { invalidParameter, optionalInt, optionalString } from '../errors.js';
import type { JsonInput } from '../service.js';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * One page of `items` (already sorted by `keyOf`, ascending in the order the keys compare with
 * `compare`), honouring `maxResults` (1..`max`, default `defaultMax`) and `nextToken`.
 */
export function paginate<T>(
  items: T[],
  keyOf: (item: T) => string,
  input: JsonInput,
  opts: { defaultMax: number; max: number; compare?: (a: string, b: string) => number },
): Page<T> {
  const maxResults = optionalInt(input, 'maxResults');
  if (maxResults !== undefined && (maxResults < 1 || maxResults > opts.max)) {
    throw invalidParameter(`maxResults must be between 1 and ${opts.max}.`);
  }
  const limit = maxResults ?? opts.defaultMax;
  const token = optionalString(input, 'nextToken');
  let start = 0;
  if (token !== undefined) {
    const after = decodeToken(token);
    const compare = opts.compare ?? ((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0));
    start = items.findIndex((it) => compare(keyOf(it), after) > 0);
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + limit);
  const last = slice[slice.length - 1];
  const more = start + limit < items.length;
  return more && last !== undefined
    ? { items: slice, nextToken: encodeToken(keyOf(last)) }
    : { items: slice };
}

function encodeToken(key: string): string {
  return Buffer.from(JSON.stringify({ after: key }), 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'after' in parsed && typeof parsed.after === 'string') {
      return parsed.after;
    }
  } catch {
    // fall through to the error below
  }
  throw invalidParameter('Invalid nextToken.');
}
