/**
 * The HTTP side of a Docker Registry v2: one `send` with timeouts, retries with jittered backoff on
 * network errors, 429 and 5xx, and the auth dance (Basic, or Bearer tokens from the challenge's
 * realm); and the coded errors that name the registry. The API calls are in registry-api.ts.
 */
import { messageOf, SlipwayError } from '../core/errors.js';
import {
  basicAuthorization,
  parseChallenge,
  TokenRequestError,
  type AuthChallenge,
  type RegistryCredentials,
  type TokenCache,
} from './token.js';

/** Where credentials come from: fixed ones, or ones that expire and can be renewed (ECR). */
export interface RegistryAuth {
  /** Credentials to send (Basic, or to the token realm); undefined = anonymous. */
  credentials(): Promise<RegistryCredentials | undefined>;
  /** The registry refused the credentials sent: forget them. True when asking again may give new ones. */
  refused?(): boolean;
  /** What to check when the registry refuses, for messages (default: the username and password). */
  hint?: string;
}

/** Options of a RegistryClient. */
export interface RegistryClientOptions {
  /** e.g. `https://registry.example.com` (a path prefix is kept). */
  baseUrl: URL;
  auth?: RegistryAuth;
  tokens: TokenCache;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Attempts per request on network errors, 429 and 5xx (default 4). */
  maxAttempts?: number;
  /** First backoff delay, doubled per attempt with jitter (default 250 ms). */
  retryBaseMs?: number;
  /** Called before each retry (for progress events). */
  onRetry?: (info: { url: string; attempt: number; reason: string; delayMs: number }) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads and discards a body so the connection can be reused. */
export async function drain(res: Response): Promise<void> {
  try {
    await res.arrayBuffer();
  } catch {
    // the body is not needed
  }
}

/** The registry's error code and message from a `{"errors":[...]}` body, if it has one. */
async function registryError(res: Response): Promise<{ code?: string; message?: string }> {
  try {
    const body = (await res.json()) as { errors?: Array<{ code?: unknown; message?: unknown }> };
    const first = body.errors?.[0];
    return {
      ...(typeof first?.code === 'string' ? { code: first.code } : {}),
      ...(typeof first?.message === 'string' ? { message: first.message } : {}),
    };
  } catch {
    return {};
  }
}

/** Why a fetch failed, in a few words (`ECONNREFUSED`, `no answer within 30 s`, ...). */
function networkReason(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && e.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  const cause =
    e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string' && cause.message) return cause.message;
  return messageOf(e);
}

interface SendInit {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** The token scope a request needs (`repository:NAME:pull`, `registry:catalog:*`). */
  scope?: string;
  signal?: AbortSignal;
}

/** What authentication a request carried. */
type Sent =
  | { kind: 'none' }
  | { kind: 'basic' }
  | { kind: 'bearer'; challenge: Extract<AuthChallenge, { scheme: 'bearer' }>; user: string | undefined };

/** A connected registry. Errors are SlipwayErrors that name the registry and say what to check. */
export class RegistryClient {
  /** How the registry asked us to authenticate last (so later requests authenticate up front). */
  private challenge: AuthChallenge | undefined;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  /** The registry as users know it, for messages (`https://registry.example.com`). */
  readonly label: string;

  constructor(private readonly options: RegistryClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.label = options.baseUrl.href.replace(/\/+$/, '');
  }

  /** The absolute URL of an API path (`/v2/...`). */
  url(path: string): URL {
    const base = this.options.baseUrl;
    return new URL(base.pathname.replace(/\/+$/, '') + path, base);
  }

  /** Sends a request with retries, authenticating when challenged. Never resolves with a 401. */
  async send(target: URL, init: SendInit = {}): Promise<Response> {
    let { authorization, sent } = await this.upFront(init.scope);
    for (let round = 0; ; round++) {
      const res = await this.fetchWithRetry(target, init, authorization);
      if (res.status !== 401) return res;
      await drain(res);
      const challenge = parseChallenge(res.headers.get('www-authenticate'));
      // At most three rounds: as we were, then with credentials or a token, then once more renewed.
      if (!challenge || round >= 2) throw this.unauthorized(sent.kind !== 'none', challenge);
      if (sent.kind === 'basic' && !(this.options.auth?.refused?.() ?? false)) {
        throw this.unauthorized(true, challenge);
      }
      // A token we sent was refused (expired early, revoked): fetch a new one.
      if (sent.kind === 'bearer') this.options.tokens.invalidate(sent.challenge, sent.user);
      const credentials = await this.options.auth?.credentials();
      if (challenge.scheme === 'basic') {
        if (!credentials) throw this.unauthorized(false, challenge);
        this.challenge = challenge;
        authorization = basicAuthorization(credentials);
        sent = { kind: 'basic' };
        continue;
      }
      const bearer = challenge.scope || !init.scope ? challenge : { ...challenge, scope: init.scope };
      this.challenge = {
        scheme: 'bearer',
        realm: challenge.realm,
        ...(challenge.service ? { service: challenge.service } : {}),
      };
      authorization = `Bearer ${await this.token(bearer, credentials, init.signal)}`;
      sent = { kind: 'bearer', challenge: bearer, user: credentials?.username };
    }
  }

  /** The Authorization header to send before any challenge, from what the registry asked last. */
  private async upFront(
    scope: string | undefined,
  ): Promise<{ authorization: string | undefined; sent: Sent }> {
    const none = { authorization: undefined, sent: { kind: 'none' } as const };
    const c = this.challenge;
    if (!c) return none;
    const credentials = await this.options.auth?.credentials();
    if (c.scheme === 'basic') {
      return credentials ? { authorization: basicAuthorization(credentials), sent: { kind: 'basic' } } : none;
    }
    const challenge = { ...c, ...(scope ? { scope } : {}) };
    const token = this.options.tokens.peek(challenge, credentials?.username);
    return token
      ? { authorization: `Bearer ${token}`, sent: { kind: 'bearer', challenge, user: credentials?.username } }
      : none;
  }

  private async token(
    challenge: Extract<AuthChallenge, { scheme: 'bearer' }>,
    credentials: RegistryCredentials | undefined,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    try {
      return await this.options.tokens.get(challenge, credentials, async (url, headers) => {
        const res = await this.fetchWithRetry(url, { headers, ...(signal ? { signal } : {}) }, undefined);
        if (res.status === 429 || res.status >= 500) {
          await drain(res);
          throw this.failure(res.status, `the token server ${url.host}`);
        }
        return res;
      });
    } catch (e) {
      if (!(e instanceof TokenRequestError)) throw e;
      if (e.status === 401 || e.status === 403) {
        throw this.unauthorized(
          credentials !== undefined,
          challenge,
          `the token server refused: ${e.message}`,
        );
      }
      throw new SlipwayError(
        'FEED_UNREACHABLE',
        `Could not get an access token for the registry ${this.label}: ${e.message}. Check the registry's token service (${challenge.realm}).`,
        { cause: e, data: { registry: this.label } },
      );
    }
  }

  /** One request, retried on network errors, 429 and 5xx (the last such response is returned). */
  private async fetchWithRetry(
    url: URL,
    init: SendInit,
    authorization: string | undefined,
  ): Promise<Response> {
    const headers = { ...init.headers, ...(authorization ? { Authorization: authorization } : {}) };
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(this.timeoutMs);
      let reason: string;
      let retryAfterMs: number | undefined;
      try {
        const res = await fetch(url, {
          method: init.method ?? 'GET',
          headers,
          signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
        });
        if (res.status !== 429 && res.status < 500) return res;
        if (attempt >= this.maxAttempts) return res;
        reason = `HTTP ${res.status}`;
        const after = Number(res.headers.get('retry-after'));
        if (Number.isFinite(after) && after > 0) retryAfterMs = Math.min(after * 1000, 30_000);
        await drain(res);
      } catch (e) {
        if (init.signal?.aborted) throw e;
        reason = networkReason(e, this.timeoutMs);
        if (attempt >= this.maxAttempts) {
          throw new SlipwayError(
            'FEED_UNREACHABLE',
            `Could not reach the registry ${this.label}${url.origin === this.options.baseUrl.origin ? '' : ` (its token server ${url.host})`} (${reason}) after ${attempt} attempt${attempt === 1 ? '' : 's'}. ` +
              `Check the URL and port, that the registry is running, and that this machine can reach it (DNS, firewall, proxy).`,
            { cause: e, data: { registry: this.label, url: url.href } },
          );
        }
      }
      const base = this.options.retryBaseMs ?? 250;
      const ceiling = Math.min(8_000, base * 2 ** (attempt - 1));
      // Equal jitter: at least half the step, so retries from many clients spread without collapsing to 0.
      const delayMs = retryAfterMs ?? ceiling / 2 + Math.random() * (ceiling / 2);
      this.options.onRetry?.({ url: url.href, attempt, reason, delayMs });
      await sleep(delayMs);
    }
  }

  private unauthorized(
    sentCredentials: boolean,
    challenge: AuthChallenge | undefined,
    why?: string,
  ): SlipwayError {
    const hint = this.options.auth?.hint ?? 'the username and password';
    const scopeHint =
      challenge?.scheme === 'bearer' && challenge.error === 'insufficient_scope'
        ? ' The credentials were accepted but may not read this repository: check its name and the account’s pull permission.'
        : '';
    const message = sentCredentials
      ? `The registry ${this.label} refused the credentials${why ? ` (${why})` : ''}. Check ${hint}.${scopeHint}`
      : `The registry ${this.label} requires credentials${why ? ` (${why})` : ''}. Give ${hint}.`;
    return new SlipwayError('FEED_UNAUTHORIZED', message, { data: { registry: this.label } });
  }

  private failure(status: number, what = `the registry ${this.label}`, detail = ''): SlipwayError {
    return new SlipwayError(
      'FEED_UNREACHABLE',
      `${what} answered HTTP ${status}${detail}${status === 429 || status >= 500 ? ` after ${this.maxAttempts} attempts` : ''}. ` +
        `Check that ${this.label} is a Docker Registry v2 endpoint and that it is healthy.`,
      { data: { registry: this.label, status } },
    );
  }

  /** Turns a non-2xx answer about a repository into the right coded error. */
  async fail(res: Response, repository?: string): Promise<never> {
    const err = await registryError(res);
    if (repository && res.status === 404 && (err.code === 'NAME_UNKNOWN' || err.code === undefined)) {
      throw new SlipwayError(
        'FEED_REPOSITORY_NOT_FOUND',
        `The registry ${this.label} has no repository "${repository}". Check the repository name (including its namespace, e.g. team/web).`,
        { data: { registry: this.label, repository } },
      );
    }
    if (res.status === 403) {
      throw new SlipwayError(
        'FEED_UNAUTHORIZED',
        `The registry ${this.label} denied access${repository ? ` to "${repository}"` : ''}${err.message ? ` (${err.message})` : ''}. Check that the credentials may pull it.`,
        { data: { registry: this.label, ...(repository ? { repository } : {}) } },
      );
    }
    const detail = err.code ? ` (${err.code}${err.message ? `: ${err.message}` : ''})` : '';
    throw this.failure(res.status, undefined, detail);
  }
}
