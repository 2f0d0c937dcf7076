/**
 * Credential sources → SDK identity providers that Slipway can refresh on demand. The SDK's own
 * memoization refreshes only by the local clock; ours does the same (five minutes before expiry)
 * and can also be told that AWS rejected a session as expired (the clocks disagree), after which
 * the next call re-derives it, source first.
 */
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { STS_SESSION_DEFAULT_SECONDS } from '../core/aws-limits.js';
import { messageOf, SlipwayError } from '../core/errors.js';
import { makeEvent, type EventSink } from '../core/events.js';
import {
  credentialsError,
  describeAwsError,
  isCredentialsProviderError,
  isExpiredCredentialsError,
} from './errors.js';
import { SlipwayRetryStrategy } from './retry.js';

/** Temporary credentials are re-derived this long before they expire (as the SDK does). */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

type IdentityProperties = Record<string, unknown>;
type Loader = (props: IdentityProperties, force: boolean) => Promise<AwsCredentialIdentity>;

/** An SDK credentials provider that the SDK will not wrap in its own memoization. */
export type MemoizedProvider = AwsCredentialIdentityProvider & { memoized: true };

/** Where credentials come from. */
export type CredentialSource =
  /** The SDK's standard chain: env, shared config/credentials `profile`, SSO, web identity, container and instance metadata. */
  | { kind: 'chain'; profile?: string }
  | { kind: 'static'; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  /** Assume `roleArn` using `source`'s credentials; refreshed before expiry during long waits. */
  | {
      kind: 'assume-role';
      roleArn: string;
      externalId?: string;
      /** Default `slipway-<time>`. */
      sessionName?: string;
      /** Default 3600. */
      durationSeconds?: number;
      source: CredentialSource;
    };

/** Cached credentials of one source, re-derived near expiry or when invalidated. */
export class RefreshableCredentials {
  private identity: AwsCredentialIdentity | undefined;
  private pending: Promise<AwsCredentialIdentity> | undefined;
  private stale = false;
  /** Increments on every (re)load; lets a failed call invalidate only the credentials it used. */
  generation = 0;
  readonly provider: MemoizedProvider;

  constructor(
    /** For messages: `role arn:aws:iam::…`, `profile prod`, `static key AKIA…`. */
    readonly description: string,
    /** False for long-term keys: nothing to refresh. */
    readonly refreshable: boolean,
    private readonly load: Loader,
    private readonly emit: EventSink | undefined,
    private readonly source?: RefreshableCredentials,
  ) {
    const provider = (props?: IdentityProperties) => this.get(props ?? {});
    this.provider = Object.assign(provider, { memoized: true as const });
  }

  /** The current credentials, loading or re-deriving them when needed. */
  get(props: IdentityProperties = {}): Promise<AwsCredentialIdentity> {
    const previous = this.identity;
    if (previous && !this.stale && !expiresSoon(previous)) return Promise.resolve(previous);
    if (!this.pending) {
      const wasStale = this.stale;
      const reason = wasStale ? 'rejected-as-expired' : 'expiring';
      const pending = this.load(props, wasStale).then(
        (fresh) => {
          this.identity = fresh;
          this.stale = false;
          this.generation++;
          if (previous) this.reportRefresh(reason, fresh);
          return fresh;
        },
        (e: unknown) => {
          // An early refresh that failed (STS briefly unavailable) is no reason to drop a session
          // that is still valid: use it and try again on the next call.
          const stillValid = previous?.expiration && previous.expiration.getTime() > Date.now();
          if (previous && !wasStale && stillValid) return previous;
          throw e;
        },
      );
      this.pending = pending;
      const clear = (): void => {
        if (this.pending === pending) this.pending = undefined;
      };
      pending.then(clear, clear);
    }
    return this.pending;
  }

  /**
   * Marks the credentials (and their source's) stale so the next call re-derives them, unless they
   * were re-derived since `generation` was read. False when there is nothing to refresh.
   */
  invalidate(generation?: number): boolean {
    if (!this.refreshable) return false;
    if (generation !== undefined && generation !== this.generation) return true;
    this.stale = true;
    this.source?.invalidate();
    return true;
  }

  private reportRefresh(reason: string, fresh: AwsCredentialIdentity): void {
    this.emit?.(
      makeEvent('aws.credentials-refreshed', `Refreshed AWS credentials (${this.description})`, {
        credentials: this.description,
        reason,
        expiration: fresh.expiration?.toISOString(),
      }),
    );
  }
}

function expiresSoon(id: AwsCredentialIdentity): boolean {
  return id.expiration !== undefined && id.expiration.getTime() - Date.now() < REFRESH_BEFORE_EXPIRY_MS;
}

/** What building credentials needs to know about the target. */
export interface CredentialContext {
  region: string;
  /** Endpoint override for the STS client of assume-role (default: the SDK's resolution). */
  endpoint?: string;
  /** Shared HTTP handler, so that destroy() closes every socket. */
  requestHandler: NodeHttpHandler;
  maxAttempts: number;
  emit?: EventSink;
}

/** Builds refreshable credentials for a source (assume-role sources recursively). */
export function buildCredentials(source: CredentialSource, ctx: CredentialContext): RefreshableCredentials {
  switch (source.kind) {
    case 'static': {
      if (!source.accessKeyId || !source.secretAccessKey) {
        throw credentialsError(
          'The static AWS credentials are incomplete: both an access key id and a secret are needed.',
        );
      }
      const identity: AwsCredentialIdentity = {
        accessKeyId: source.accessKeyId,
        secretAccessKey: source.secretAccessKey,
        ...(source.sessionToken ? { sessionToken: source.sessionToken } : {}),
      };
      return new RefreshableCredentials(
        `static key ${source.accessKeyId}`,
        false,
        () => Promise.resolve(identity),
        ctx.emit,
      );
    }
    case 'chain':
      return chainCredentials(source.profile, ctx);
    case 'assume-role':
      return assumeRoleCredentials(source, ctx);
  }
}

function chainCredentials(profile: string | undefined, ctx: CredentialContext): RefreshableCredentials {
  // An explicit profile must not fall through to instance metadata: a typo should say so.
  const provider = profile ? fromIni({ profile }) : fromNodeProviderChain();
  const description = profile ? `profile ${profile}` : 'the default credential chain';
  const load: Loader = async (props, force) => {
    try {
      return await provider({ ...props, ...(force ? { forceRefresh: true } : {}) });
    } catch (e) {
      if (!isCredentialsProviderError(e)) throw e;
      const why = messageOf(e);
      if (!profile) throw credentialsError(`No AWS credentials were found (${why}).`, e);
      throw new SlipwayError(
        'AWS_CREDENTIALS',
        `AWS profile "${profile}" gave no usable credentials (${why}). Check the profile's name and its ` +
          'entries in ~/.aws/config and ~/.aws/credentials (or the files named by AWS_CONFIG_FILE and ' +
          'AWS_SHARED_CREDENTIALS_FILE).',
        { cause: e, data: { profile } },
      );
    }
  };
  return new RefreshableCredentials(description, true, load, ctx.emit);
}

type AssumeRoleSource = Extract<CredentialSource, { kind: 'assume-role' }>;

function assumeRoleCredentials(source: AssumeRoleSource, ctx: CredentialContext): RefreshableCredentials {
  const base = buildCredentials(source.source, ctx);
  const provider = fromTemporaryCredentials({
    params: {
      RoleArn: source.roleArn,
      RoleSessionName: source.sessionName ?? `slipway-${Date.now()}`,
      DurationSeconds: source.durationSeconds ?? STS_SESSION_DEFAULT_SECONDS,
      ...(source.externalId !== undefined ? { ExternalId: source.externalId } : {}),
    },
    masterCredentials: base.provider,
    clientConfig: {
      region: ctx.region,
      ...(ctx.endpoint ? { endpoint: ctx.endpoint } : {}),
      requestHandler: ctx.requestHandler,
      maxAttempts: ctx.maxAttempts,
      retryStrategy: new SlipwayRetryStrategy({
        maxAttempts: ctx.maxAttempts,
        ...(ctx.emit ? { emit: ctx.emit } : {}),
        currentCall: () => ({ service: 'sts', action: 'AssumeRole' }),
      }),
    },
  });
  const load: Loader = async () => {
    const generation = base.generation;
    try {
      return await provider();
    } catch (e) {
      // The source session may have expired by AWS's clock although ours thinks it valid.
      if (isExpiredCredentialsError(e) && base.invalidate(generation)) {
        try {
          return await provider();
        } catch (again) {
          throw assumeRoleError(source.roleArn, again);
        }
      }
      throw assumeRoleError(source.roleArn, e);
    }
  };
  return new RefreshableCredentials(`role ${source.roleArn}`, true, load, ctx.emit, base);
}

/** AssumeRole refusals (4xx but throttling) become AWS_CREDENTIALS; anything else passes unchanged. */
function assumeRoleError(roleArn: string, e: unknown): unknown {
  if (e instanceof SlipwayError) return e;
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === undefined || status < 400 || status >= 500 || status === 429) return e;
  return new SlipwayError(
    'AWS_CREDENTIALS',
    `Could not assume role ${roleArn}: ${describeAwsError(e)}. Check that the role's trust policy admits the ` +
      'calling account or role, that the external id matches, and that the session duration is within the ' +
      "role's maximum.",
    { cause: e, data: { roleArn } },
  );
}

/**
 * Whose rate limits a source's calls count against: the account when the source names it (an
 * assumed role's ARN), else the credential itself (an access key id, a profile name).
 */
export function credentialIdentityKey(source: CredentialSource): string {
  switch (source.kind) {
    case 'static':
      return `key:${source.accessKeyId}`;
    case 'assume-role': {
      const account = /^arn:[^:]+:iam::(\d{12}):/.exec(source.roleArn)?.[1];
      return account ? `account:${account}` : `role:${source.roleArn}`;
    }
    case 'chain': {
      const profile = source.profile ?? process.env['AWS_PROFILE'];
      if (profile) return `profile:${profile}`;
      const key = process.env['AWS_ACCESS_KEY_ID'];
      return key ? `key:${key}` : 'chain:default';
    }
  }
}
