/**
 * Slipway's retry strategy for the SDK's retry middleware (a RetryStrategyV2): up to maxAttempts
 * with full-jitter exponential backoff on throttling, on ECS's "Too many concurrent attempts"
 * (concurrent registrations of one family) and on transient network and 5xx errors. Unlike the
 * SDK's standard strategy it keeps no retry quota: the rate limiter already paces us, and a
 * deployment should outlast a throttling storm rather than give up after a few hundred retries.
 * Nor does it count attempts while AWS gives no answer at all (refused, reset, timed out, DNS): a
 * call then keeps trying for unreachableRetryMs (2 minutes), so a short network outage delays a
 * deployment instead of failing it.
 */
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { makeEvent, type EventSink } from '../core/events.js';
import { awsErrorCode } from './errors.js';

/** Default attempts per call, including the first. */
export const DEFAULT_MAX_ATTEMPTS = 10;
/** Default backoff base (ms): retry n waits a random time in [0, min(cap, base * 2^n)). */
export const DEFAULT_BASE_DELAY_MS = 100;
/** Default backoff cap (ms). */
export const DEFAULT_MAX_DELAY_MS = 20_000;
/**
 * Default time a call keeps retrying, past maxAttempts, while AWS cannot be reached at all (no
 * answer: connection refused or reset, timeout, DNS): a network outage of a minute or two must not
 * fail a deployment that was ten attempts (about 25 s) from giving up.
 */
export const DEFAULT_UNREACHABLE_RETRY_MS = 120_000;

/** Why an error is worth another attempt. */
export type RetryReason = 'throttling' | 'concurrent-modification' | 'transient';

/** The call being retried, as the middleware records it. */
export interface CallInfo {
  service: string;
  action: string;
}

/** Options of SlipwayRetryStrategy. */
export interface RetryStrategyOptions {
  /** Attempts per call, including the first (default 10). */
  maxAttempts?: number;
  /** Backoff base in ms (default 100). */
  baseDelayMs?: number;
  /** Backoff cap in ms (default 20 000). */
  maxDelayMs?: number;
  /** How long to keep retrying past maxAttempts while AWS gives no answer at all (default 120 000 ms). */
  unreachableRetryMs?: number;
  /** The clock for unreachableRetryMs (default Date.now). */
  now?: () => number;
  /** Receives `aws.retry` and `aws.throttled` (default: none). */
  emit?: EventSink;
  /** The call in progress (the middleware keeps it in async-local storage). */
  currentCall?: () => CallInfo | undefined;
  /** Random number in [0, 1) (default Math.random; tests pin it). */
  random?: () => number;
}

const CONCURRENT_ATTEMPTS = 'Too many concurrent attempts';

/** Why `info` deserves a retry, or undefined when it does not. */
export function retryReason(info: RetryErrorInfo): RetryReason | undefined {
  if (info.errorType === 'THROTTLING') return 'throttling';
  const e = info.error;
  if (e?.name === 'ClientException' && e.message.includes(CONCURRENT_ATTEMPTS)) {
    return 'concurrent-modification';
  }
  // TRANSIENT covers timeouts, connection resets and 500/502/503/504 (the SDK's classification).
  if (info.errorType === 'TRANSIENT') return 'transient';
  return undefined;
}

/** Node's codes for a call that got no answer: the endpoint could not be reached or went away. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** True when `error` is a network failure with no HTTP answer (its cause chain included). */
export function isUnreachableError(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 10; depth++) {
    const { code, name, $metadata } = e as {
      code?: unknown;
      name?: unknown;
      $metadata?: { httpStatusCode?: number };
    };
    if ($metadata?.httpStatusCode !== undefined) return false;
    if ((typeof code === 'string' && UNREACHABLE_CODES.has(code)) || name === 'TimeoutError') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Full-jitter exponential backoff: a random delay in [0, min(cap, base * 2^retry)). */
export function backoffDelay(retry: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(retry, 30));
  return Math.floor(random() * ceiling);
}

class Token implements RetryToken {
  constructor(
    private readonly retries: number,
    private readonly delay: number,
    /** When the current run of unanswered attempts began (undefined: the last attempt got an answer). */
    readonly unreachableSince?: number,
  ) {}
  getRetryCount(): number {
    return this.retries;
  }
  getRetryDelay(): number {
    return this.delay;
  }
}

/** The strategy installed on every Slipway client (see module doc). */
export class SlipwayRetryStrategy implements RetryStrategyV2 {
  readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly unreachableRetryMs: number;
  private readonly now: () => number;
  private readonly emit: EventSink | undefined;
  private readonly currentCall: () => CallInfo | undefined;
  private readonly random: () => number;

  constructor(options: RetryStrategyOptions = {}) {
    this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS));
    this.baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
    this.maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
    this.unreachableRetryMs = options.unreachableRetryMs ?? DEFAULT_UNREACHABLE_RETRY_MS;
    this.now = options.now ?? Date.now;
    this.emit = options.emit;
    this.currentCall = options.currentCall ?? (() => undefined);
    this.random = options.random ?? Math.random;
  }

  acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return Promise.resolve(new Token(0, 0));
  }

  /** Returns the next token (its delay is slept by the SDK), or throws to give up with the last error. */
  refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const reason = retryReason(info);
    const attempt = token.getRetryCount() + 1;
    const unreachable = reason === 'transient' && isUnreachableError(info.error);
    const since = unreachable
      ? ((token instanceof Token ? token.unreachableSince : undefined) ?? this.now())
      : undefined;
    // AWS out of reach: keep trying for a while, however many attempts that takes.
    const riding = since !== undefined && this.now() - since < this.unreachableRetryMs;
    if (reason === undefined || (attempt >= this.maxAttempts && !riding)) {
      return Promise.reject(new Error('No retry token available'));
    }
    let delay = backoffDelay(token.getRetryCount(), this.baseDelayMs, this.maxDelayMs, this.random);
    // A server's Retry-After hint wins when it asks for longer (still capped).
    if (info.retryAfterHint instanceof Date) {
      delay = Math.min(this.maxDelayMs, Math.max(delay, info.retryAfterHint.getTime() - Date.now()));
    }
    this.report(reason, attempt, delay, info);
    return Promise.resolve(new Token(attempt, delay, since));
  }

  recordSuccess(_token: RetryToken): void {}

  private report(reason: RetryReason, attempt: number, delayMs: number, info: RetryErrorInfo): void {
    if (!this.emit) return;
    const call = this.currentCall();
    const action = call ? `${call.service}:${call.action}` : 'unknown';
    const errorCode = awsErrorCode(info.error) ?? info.errorType;
    const data = {
      service: call?.service,
      action: call?.action,
      attempt,
      maxAttempts: this.maxAttempts,
      delayMs,
      errorCode,
      reason,
    };
    if (reason === 'throttling') {
      this.emit(
        makeEvent('aws.throttled', `${action} was throttled (${errorCode}), attempt ${attempt}`, data),
      );
    }
    this.emit(
      makeEvent(
        'aws.retry',
        `Retrying ${action} in ${delayMs} ms after ${errorCode} (attempt ${attempt} of ${this.maxAttempts})`,
        data,
      ),
    );
  }
}
