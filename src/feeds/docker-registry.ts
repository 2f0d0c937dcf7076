/** A Docker Registry HTTP API v2 feed (any registry: distribution, Harbor, GitLab, Docker Hub, ...). */
import { UserInputError } from '../core/errors.js';
import { catalog, listTags, manifestDigest, ping } from './registry-api.js';
import { RegistryClient, type RegistryAuth, type RegistryClientOptions } from './registry-client.js';
import type { RegistryCredentials, TokenCache } from './token.js';
import type { DockerRegistryFeedConfig, FeedTag, ImageFeed } from './types.js';

/** Docker Hub's names: what users type, and the host its API answers on. */
const DOCKER_HUB_ALIASES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'hub.docker.com',
]);
const DOCKER_HUB_API = 'https://registry-1.docker.io';
/** The registry host image references use for Docker Hub (what `docker pull` shows). */
export const DOCKER_HUB_HOST = 'docker.io';

/** Tags asked per page by default (distribution's own maximum is 1000 for the catalog; tags pages vary). */
export const DEFAULT_PAGE_SIZE = 1000;

/** Parses a feed URL (`https://host[:port][/prefix]`, or a bare host meaning https); INVALID_INPUT otherwise. */
export function parseRegistryUrl(text: string): { baseUrl: URL; registryHost: string; dockerHub: boolean } {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UserInputError(
      `"${text}" is not a registry URL: use e.g. https://registry.example.com or http://127.0.0.1:5000.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserInputError(`The registry URL "${text}" must use http or https.`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new UserInputError(
      `The registry URL "${url.host}" must not carry credentials, a query or a fragment: give the username and password separately.`,
    );
  }
  if (DOCKER_HUB_ALIASES.has(url.hostname)) {
    return { baseUrl: new URL(DOCKER_HUB_API), registryHost: DOCKER_HUB_HOST, dockerHub: true };
  }
  return { baseUrl: url, registryHost: url.host, dockerHub: false };
}

/** Docker Hub's official images live under `library/` in the API (`nginx` → `library/nginx`). */
export function apiRepositoryName(repository: string, dockerHub: boolean): string {
  return dockerHub && !repository.includes('/') ? `library/${repository}` : repository;
}

/** Options of openDockerRegistry beyond the feed's config. */
export interface DockerRegistryOptions extends Omit<RegistryClientOptions, 'baseUrl' | 'auth' | 'tokens'> {
  tokens: TokenCache;
  /** Tags asked per page (default 1000). */
  pageSize?: number;
}

/** A registry feed plus its HTTP client (for callers that need more than the feed interface). */
export interface DockerRegistryFeed extends ImageFeed {
  readonly client: RegistryClient;
  /** `GET /v2/`: checks the URL and the credentials. */
  ping(): Promise<void>;
}

/** Connects to a registry (no request until used). */
export function openDockerRegistry(
  config: DockerRegistryFeedConfig,
  options: DockerRegistryOptions,
): DockerRegistryFeed {
  const { baseUrl, registryHost, dockerHub } = parseRegistryUrl(config.url);
  if ((config.username === undefined) !== (config.password === undefined)) {
    throw new UserInputError(`The feed ${registryHost} needs both a username and a password, or neither.`);
  }
  const credentials: RegistryCredentials | undefined =
    config.username !== undefined && config.password !== undefined
      ? { username: config.username, password: config.password }
      : undefined;
  const auth: RegistryAuth = {
    credentials: () => Promise.resolve(credentials),
    hint: credentials
      ? `the username (${credentials.username}) and password of the feed`
      : 'a username and password for the feed',
  };
  const { pageSize = DEFAULT_PAGE_SIZE, ...clientOptions } = options;
  const client = new RegistryClient({ ...clientOptions, baseUrl, auth });
  const name = (repository: string) => apiRepositoryName(repository, dockerHub);
  return {
    registryHost,
    client,
    ping: () => ping(client),
    async listTags(repository, opts = {}): Promise<FeedTag[]> {
      const tags = await listTags(client, name(repository), {
        pageSize,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      return tags.map((tag) => ({ tag }));
    },
    digestOf: (repository, tag) => manifestDigest(client, name(repository), tag),
    listRepositories: () => catalog(client, { pageSize }),
  };
}
