/** Connecting to feeds. CONTRACT STUB: signatures fixed, bodies being written (issue 5). */
import { SlipwayError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import type { FeedConfig, ImageFeed, PackageVariables } from './types.js';

export type * from './types.js';

export interface FeedOptions {
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Attempts per request on network errors and 5xx/429 (default 4), with backoff. */
  maxAttempts?: number;
  emit?: EventSink;
}

/** Connects to a feed (no request is made until it is used). */
export function openFeed(_config: FeedConfig, _options: FeedOptions = {}): ImageFeed {
  throw new SlipwayError('NOT_IMPLEMENTED', 'openFeed is being written');
}

/** The package variables for a feed, repository and version. */
export function packageVariables(
  _feed: { id: string; registryHost: string },
  _repository: string,
  _version: string,
): PackageVariables {
  throw new SlipwayError('NOT_IMPLEMENTED', 'packageVariables is being written');
}
