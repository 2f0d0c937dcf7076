/**
 * The Amazon ECR feed: tags and repositories from ECR's own API (DescribeImages gives digests and
 * push dates), and the registry API at the proxy endpoint with the `AWS:<password>` token of
 * GetAuthorizationToken, cached per account and region and renewed before its 12-hour expiry.
 */
import {
  GetAuthorizationTokenCommand,
  paginateDescribeImages,
  paginateDescribeRepositories,
} from '@aws-sdk/client-ecr';
import { createAwsClients, describeAwsError, type AwsClients } from '../aws/clients.js';
import { credentialIdentityKey } from '../aws/credentials.js';
import { awsErrorCode } from '../aws/errors.js';
import { SlipwayError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { checkRepositoryName, manifestDigest } from './registry-api.js';
import { RegistryClient, type RegistryClientOptions } from './registry-client.js';
import type { TokenCache } from './token.js';
import type { EcrFeedConfig, FeedTag, ImageFeed } from './types.js';

/** A decoded ECR authorization: Basic credentials for the registry at `proxyEndpoint`. */
export interface EcrAuthorization {
  username: string;
  password: string;
  /** e.g. `https://123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
  proxyEndpoint: string;
  expiresAt: Date;
}

/** Renew a token this long before it expires (ECR tokens live 12 hours). */
export const ECR_TOKEN_MARGIN_MS = 15 * 60 * 1000;

/** Process-wide: every feed of the same account and region shares one token (in flight or settled). */
const tokenCache = new Map<string, Promise<EcrAuthorization>>();

/** Forgets every cached ECR token (tests). */
export function clearEcrTokenCache(): void {
  tokenCache.clear();
}

/** Options of openEcr beyond the feed's config. */
export interface EcrFeedOptions extends Omit<RegistryClientOptions, 'baseUrl' | 'auth' | 'tokens'> {
  tokens: TokenCache;
  emit?: EventSink;
  /** Clock for token expiry (default Date.now). */
  now?: () => number;
}

/** An ECR feed: the feed interface plus its token and its AWS clients' lifetime. */
export interface EcrFeed extends ImageFeed {
  /** The registry token (cached; renewed within 15 min of expiry). */
  authorization(): Promise<EcrAuthorization>;
  /** Closes the AWS clients' sockets. */
  close(): void;
}

/** AWS error codes that mean "these credentials may not do this". */
const REFUSED = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'AccessDenied',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'TimeoutError',
]);

/** The registry host of an assumed role's account when talking to real AWS (known without a call). */
function guessHost(config: EcrFeedConfig): string | undefined {
  if (config.endpoint || config.credentials.kind !== 'assume-role') return undefined;
  const account = /^arn:[^:]+:iam::(\d{12}):/.exec(config.credentials.roleArn)?.[1];
  if (!account) return undefined;
  const suffix = config.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${account}.dkr.ecr.${config.region}.${suffix}`;
}

/** Connects to an account's ECR in a region (no AWS call until used). */
export function openEcr(config: EcrFeedConfig, options: EcrFeedOptions): EcrFeed {
  const now = options.now ?? Date.now;
  const key = JSON.stringify([
    config.endpoint ?? '',
    config.region,
    credentialIdentityKey(config.credentials),
  ]);
  let clients: AwsClients | undefined;
  let registry: RegistryClient | undefined;
  let knownHost = guessHost(config);
  const where = () =>
    `Amazon ECR${knownHost ? ` (${knownHost})` : ''} in ${config.region}${config.endpoint ? ` at ${config.endpoint}` : ''}`;

  const aws = (): AwsClients =>
    (clients ??= createAwsClients(
      {
        region: config.region,
        credentials: config.credentials,
        ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      },
      {
        // Unset, the AWS clients' own default applies (more attempts, as throttling is retried too).
        ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
        ...(options.emit ? { emit: options.emit } : {}),
      },
    ));

  /** Turns an AWS failure into a feed error naming the registry (and repository). */
  const feedError = (e: unknown, repository?: string): SlipwayError => {
    const data = { registry: where(), ...(repository ? { repository } : {}) };
    // Credentials that cannot be had (role refused, no keys) are this feed's problem: name it.
    if (e instanceof SlipwayError && e.code === 'AWS_CREDENTIALS') {
      return new SlipwayError('FEED_UNAUTHORIZED', `${where()}: ${e.message}`, { cause: e, data });
    }
    if (e instanceof SlipwayError) return e;
    const code = awsErrorCode(e) ?? '';
    if (code === 'RepositoryNotFoundException' && repository) {
      return new SlipwayError(
        'FEED_REPOSITORY_NOT_FOUND',
        `${where()} has no repository "${repository}". Check the repository name, the region and the AWS account of the feed.`,
        { cause: e, data },
      );
    }
    if (REFUSED.has(code)) {
      return new SlipwayError(
        'FEED_UNAUTHORIZED',
        `${where()} refused the feed's AWS credentials (${describeAwsError(e)}). Check the feed's AWS account (keys, role and external id) and that it may call ecr:GetAuthorizationToken, ecr:DescribeImages and ecr:DescribeRepositories.`,
        { cause: e, data },
      );
    }
    if (
      NETWORK.has(code) ||
      (e instanceof Error && /ECONNREFUSED|ENOTFOUND|socket hang up/.test(e.message))
    ) {
      return new SlipwayError(
        'FEED_UNREACHABLE',
        `Could not reach ${where()} (${describeAwsError(e)}). Check the region, the endpoint and the network.`,
        { cause: e, data },
      );
    }
    return new SlipwayError('AWS_CALL_FAILED', `${where()}: ${describeAwsError(e)}`, { cause: e, data });
  };

  const fetchAuthorization = async (): Promise<EcrAuthorization> => {
    let out;
    try {
      out = await aws().ecr.send(new GetAuthorizationTokenCommand({}));
    } catch (e) {
      throw feedError(e);
    }
    const data = out.authorizationData?.[0];
    const decoded = Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    if (!data?.proxyEndpoint || sep <= 0) {
      throw new SlipwayError(
        'AWS_CALL_FAILED',
        `${where()}: GetAuthorizationToken returned no usable token.`,
      );
    }
    return {
      username: decoded.slice(0, sep),
      password: decoded.slice(sep + 1),
      proxyEndpoint: data.proxyEndpoint,
      // ECR says 12 hours; assume so if it does not say.
      expiresAt: data.expiresAt ?? new Date(now() + 12 * 3600 * 1000),
    };
  };

  /** The cached token while fresh, else a new one (one request for concurrent callers). */
  const current = async (): Promise<EcrAuthorization> => {
    const cached = tokenCache.get(key);
    if (cached) {
      try {
        const auth = await cached;
        if (now() < auth.expiresAt.getTime() - ECR_TOKEN_MARGIN_MS) return auth;
      } catch {
        // a failed fetch is not kept: ask again below
      }
      if (tokenCache.get(key) !== cached) return current();
      tokenCache.delete(key);
    }
    const fetching = fetchAuthorization();
    tokenCache.set(key, fetching);
    fetching.catch(() => {
      if (tokenCache.get(key) === fetching) tokenCache.delete(key);
    });
    return fetching;
  };

  const authorization = async (): Promise<EcrAuthorization> => {
    const auth = await current();
    knownHost = new URL(auth.proxyEndpoint).host;
    return auth;
  };

  const registryClient = async (): Promise<RegistryClient> => {
    const auth = await authorization();
    if (registry) return registry;
    const { tokens, timeoutMs, maxAttempts, retryBaseMs, onRetry } = options;
    registry = new RegistryClient({
      baseUrl: new URL(auth.proxyEndpoint),
      tokens,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(maxAttempts !== undefined ? { maxAttempts } : {}),
      ...(retryBaseMs !== undefined ? { retryBaseMs } : {}),
      ...(onRetry ? { onRetry } : {}),
      auth: {
        credentials: async () => {
          const a = await authorization();
          return { username: a.username, password: a.password };
        },
        // Refused before our clock says it expired (clock skew, revoked): fetch a new token.
        refused: () => {
          tokenCache.delete(key);
          return true;
        },
        hint: `the feed's AWS account (ecr:GetAuthorizationToken and pull permission on the repository)`,
      },
    });
    return registry;
  };

  return {
    get registryHost(): string {
      if (knownHost) return knownHost;
      throw new SlipwayError(
        'INTERNAL',
        `The registry host of ${where()} is known once the feed has connected (connectFeed, or authorization()).`,
      );
    },
    authorization,
    async listTags(repository, opts = {}): Promise<FeedTag[]> {
      checkRepositoryName(repository);
      const tags: FeedTag[] = [];
      try {
        const pages = paginateDescribeImages(
          { client: aws().ecr, pageSize: 1000 },
          { repositoryName: repository, filter: { tagStatus: 'TAGGED' } },
        );
        for await (const page of pages) {
          opts.signal?.throwIfAborted();
          for (const image of page.imageDetails ?? []) {
            for (const tag of image.imageTags ?? []) {
              tags.push({
                tag,
                ...(image.imageDigest ? { digest: image.imageDigest } : {}),
                ...(image.imagePushedAt ? { pushedAt: image.imagePushedAt } : {}),
              });
            }
          }
        }
      } catch (e) {
        if (opts.signal?.aborted) throw e;
        throw feedError(e, repository);
      }
      return tags;
    },
    async digestOf(repository, tag) {
      checkRepositoryName(repository);
      return manifestDigest(await registryClient(), repository, tag);
    },
    async listRepositories() {
      const names: string[] = [];
      try {
        for await (const page of paginateDescribeRepositories({ client: aws().ecr, pageSize: 1000 }, {})) {
          for (const r of page.repositories ?? []) if (r.repositoryName) names.push(r.repositoryName);
        }
      } catch (e) {
        throw feedError(e);
      }
      return names.sort();
    },
    close() {
      clients?.destroy();
      clients = undefined;
    },
  };
}
