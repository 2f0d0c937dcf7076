/** Connecting to feeds: Docker Registry v2 and Amazon ECR (issue 5). */
import { makeEvent, type EventSink } from '../core/events.js';
import { openDockerRegistry, type DockerRegistryFeed } from './docker-registry.js';
import { openEcr, type EcrFeed } from './ecr.js';
import { TokenCache } from './token.js';
import type { DockerRegistryFeedConfig, EcrFeedConfig, FeedConfig, ImageFeed } from './types.js';

export type * from './types.js';
export { packageVariables, imageReference } from './package-variables.js';
export { clearEcrTokenCache, ECR_TOKEN_MARGIN_MS } from './ecr.js';
export type { EcrAuthorization, EcrFeed } from './ecr.js';
export type { DockerRegistryFeed } from './docker-registry.js';
export { DOCKER_HUB_HOST, parseRegistryUrl } from './docker-registry.js';
export { TokenCache } from './token.js';

export interface FeedOptions {
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Attempts per request on network errors and 5xx/429 (default 4), with backoff. */
  maxAttempts?: number;
  emit?: EventSink;
  /** Tags asked per page of the registry API (default 1000; registries may cap or ignore it). */
  pageSize?: number;
  /** First retry delay, doubled per attempt with jitter (default 250 ms). */
  retryBaseMs?: number;
  /** Clock for token expiry (default Date.now); with it, Bearer tokens get a cache of their own. */
  now?: () => number;
  /** Bearer token cache (default: one shared by the process). */
  tokens?: TokenCache;
}

/** Bearer tokens are shared by every feed of the process: keyed by realm, service, scope and user. */
const sharedTokens = new TokenCache();

/** Connects to a feed (no request is made until it is used). */
export function openFeed(config: DockerRegistryFeedConfig, options?: FeedOptions): DockerRegistryFeed;
export function openFeed(config: EcrFeedConfig, options?: FeedOptions): EcrFeed;
export function openFeed(config: FeedConfig, options?: FeedOptions): DockerRegistryFeed | EcrFeed;
export function openFeed(config: FeedConfig, options: FeedOptions = {}): DockerRegistryFeed | EcrFeed {
  const tokens = options.tokens ?? (options.now ? new TokenCache(options.now) : sharedTokens);
  const emit = options.emit;
  const common = {
    tokens,
    // Registry retries become events, as the AWS clients' retries do.
    ...(emit
      ? {
          onRetry: (r: { url: string; attempt: number; reason: string; delayMs: number }) =>
            emit(makeEvent('feed.retry', `retrying ${r.url} (attempt ${r.attempt}): ${r.reason}`, r)),
        }
      : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
  };
  if (config.kind === 'ecr') {
    return openEcr(config, {
      ...common,
      ...(options.emit ? { emit: options.emit } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  }
  return openDockerRegistry(config, {
    ...common,
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
  });
}

/** Opens a feed and checks it: ECR fetches its token (so `registryHost` is known), a registry answers `GET /v2/`. */
export async function connectFeed(config: FeedConfig, options: FeedOptions = {}): Promise<ImageFeed> {
  const feed = openFeed(config, options);
  if ('authorization' in feed) await feed.authorization();
  else await feed.ping();
  return feed;
}
