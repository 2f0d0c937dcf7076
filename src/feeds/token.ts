/**
 * Registry auth challenges and the Bearer token flow (distribution's token auth spec): a `401` with
 * `WWW-Authenticate: Bearer realm=...,service=...,scope=...` sends the client to the realm for a
 * token, anonymously or with Basic credentials. Tokens are cached per (realm, service, scope, user).
 */

/** Username and password for a registry (Basic auth, or to obtain a Bearer token). */
export interface RegistryCredentials {
  username: string;
  password: string;
}

/** A parsed `WWW-Authenticate` challenge. */
export type AuthChallenge =
  | { scheme: 'basic'; realm?: string }
  | { scheme: 'bearer'; realm: string; service?: string; scope?: string; error?: string };

/** Parses `WWW-Authenticate`; undefined when absent or of a scheme we do not speak. */
export function parseChallenge(header: string | null | undefined): AuthChallenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  const params: Record<string, string> = {};
  // key="quoted, with \" escapes" or key=token, separated by commas.
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const p of (m[2] ?? '').matchAll(re)) {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  if (scheme === 'basic') return { scheme, ...(params.realm ? { realm: params.realm } : {}) };
  if (scheme === 'bearer' && params.realm) {
    return {
      scheme,
      realm: params.realm,
      ...(params.service ? { service: params.service } : {}),
      ...(params.scope ? { scope: params.scope } : {}),
      ...(params.error ? { error: params.error } : {}),
    };
  }
  return undefined;
}

/** `Authorization: Basic ...` for credentials. */
export function basicAuthorization(c: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64')}`;
}

/** Sends one HTTP request for the token flow (the registry client's, with its retries and timeouts). */
export type TokenHttp = (url: URL, headers: Record<string, string>) => Promise<Response>;

/** Why a token request failed, for the registry client to turn into a coded error. */
export class TokenRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'TokenRequestError';
  }
}

interface CachedToken {
  token: string;
  /** Epoch ms after which the token is not used any more (expiry minus a margin). */
  staleAt: number;
}

/** Tokens default to 60 s when the server does not say (the spec's default). */
const DEFAULT_EXPIRES_IN_S = 60;

/** A cache of Bearer tokens with in-flight de-duplication. */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<string>>();
  /** Token requests made (for tests and diagnostics). */
  requests = 0;

  /** `now` is the clock (default Date.now); `marginMs` how long before expiry a token is renewed (default 10 s, at most half its life). */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly marginMs = 10_000,
  ) {}

  private static key(c: Extract<AuthChallenge, { scheme: 'bearer' }>, user: string | undefined): string {
    return JSON.stringify([c.realm, c.service ?? '', c.scope ?? '', user ?? '']);
  }

  /** A cached, still fresh token for the challenge, if any. */
  peek(c: Extract<AuthChallenge, { scheme: 'bearer' }>, user: string | undefined): string | undefined {
    const hit = this.tokens.get(TokenCache.key(c, user));
    return hit && this.now() < hit.staleAt ? hit.token : undefined;
  }

  /** Forgets a token the registry refused (so the next request fetches a new one). */
  invalidate(c: Extract<AuthChallenge, { scheme: 'bearer' }>, user: string | undefined): void {
    this.tokens.delete(TokenCache.key(c, user));
  }

  /** A token for the challenge: cached, or fetched from its realm (one request for concurrent callers). */
  async get(
    c: Extract<AuthChallenge, { scheme: 'bearer' }>,
    credentials: RegistryCredentials | undefined,
    http: TokenHttp,
  ): Promise<string> {
    const cached = this.peek(c, credentials?.username);
    if (cached) return cached;
    const key = TokenCache.key(c, credentials?.username);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const fetching = this.fetch(c, credentials, http).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, fetching);
    return fetching;
  }

  private async fetch(
    c: Extract<AuthChallenge, { scheme: 'bearer' }>,
    credentials: RegistryCredentials | undefined,
    http: TokenHttp,
  ): Promise<string> {
    const url = new URL(c.realm);
    if (c.service) url.searchParams.set('service', c.service);
    if (c.scope) for (const s of c.scope.split(' ')) url.searchParams.append('scope', s);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (credentials) headers.Authorization = basicAuthorization(credentials);
    this.requests++;
    const started = this.now();
    const res = await http(url, headers);
    const text = await res.text();
    if (!res.ok) {
      throw new TokenRequestError(`the token server ${url.host} answered HTTP ${res.status}`, res.status);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new TokenRequestError(
        `the token server ${url.host} answered with something not JSON`,
        res.status,
      );
    }
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    // `token` is the spec's field; `access_token` the OAuth2 one (some servers send only that).
    const token =
      typeof fields.token === 'string' && fields.token
        ? fields.token
        : typeof fields.access_token === 'string'
          ? fields.access_token
          : '';
    if (!token) throw new TokenRequestError(`the token server ${url.host} sent no token`, res.status);
    const expiresIn =
      typeof fields.expires_in === 'number' && fields.expires_in > 0
        ? fields.expires_in
        : DEFAULT_EXPIRES_IN_S;
    const lifeMs = expiresIn * 1000;
    this.tokens.set(TokenCache.key(c, credentials?.username), {
      token,
      staleAt: started + lifeMs - Math.min(this.marginMs, lifeMs / 2),
    });
    return token;
  }
}
