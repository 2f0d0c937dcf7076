/**
 * The process-wide client-side rate limiter: token buckets per (identity, region, API bucket),
 * sized from the published limits in core/aws-limits.ts (a little below the burst and the rate), refilled on the
 * wall clock. A call waits (asynchronously, first come first served per bucket) for its token
 * before it is sent, so bursts of parallel calls are paced instead of throttled by AWS.
 */
import { rateBucketOf, type RateBucket } from '../core/aws-limits.js';

/**
 * Fraction of the published sustained rate we allow ourselves, so that our pace stays just under
 * AWS's refill. If another caller emptied the bucket, AWS throttles and the retry strategy backs off.
 */
export const DEFAULT_HEADROOM = 0.95;
/**
 * Fraction of the published burst we allow ourselves by default: one token short of a burst of 20,
 * because AWS's bucket starts when our first call *arrives*, a little after ours started.
 */
export const DEFAULT_BURST_HEADROOM = 0.95;

/** A named bucket and its published limit. */
export type BucketChoice = RateBucket;

/** Which bucket an action draws from (core/aws-limits.ts rateBucketOf). */
export function bucketFor(service: string, action: string): BucketChoice {
  return rateBucketOf(service, action);
}

/** What a call is paced by. `identity` is the account (or, unknown, the credential) it is made as. */
export interface RateKey {
  identity: string;
  region: string;
  service: string;
  action: string;
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
  detach: () => void;
}

/** One token bucket with a FIFO queue of waiters and at most one timer. */
class TokenBucket {
  private tokens: number;
  private updated: number;
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly burst: number,
    /** Tokens per millisecond. */
    private readonly perMs: number,
    private readonly now: () => number,
  ) {
    this.tokens = burst;
    this.updated = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + Math.max(0, t - this.updated) * this.perMs);
    this.updated = t;
  }

  /** Resolves when a token was taken for the caller. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.refill();
    // Newcomers queue behind earlier waiters even when a token is free: fairness over throughput.
    if (this.queue.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.schedule();
    });
  }

  /** Tokens now available (for tests and diagnostics). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  waiting(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    const wait = Math.max(1, Math.ceil((1 - this.tokens) / this.perMs));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, wait);
  }

  private drain(): void {
    this.refill();
    while (this.queue.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      const w = this.queue.shift()!;
      w.detach();
      w.resolve();
    }
    this.schedule();
  }

  /** Rejects every waiter and stops the timer. */
  dispose(reason: Error): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.queue.splice(0)) {
      w.detach();
      w.reject(reason);
    }
  }
}

/** Options of a RateLimiter. */
export interface RateLimiterOptions {
  /** Fraction of the published sustained rate to use (default DEFAULT_HEADROOM, 0.95). */
  headroom?: number;
  /** Fraction of the published burst to use (default DEFAULT_BURST_HEADROOM, 0.95). */
  burstHeadroom?: number;
  /** Wall-clock milliseconds (default performance.now; monotonic). */
  now?: () => number;
}

/** Token buckets keyed by (identity, region, bucket). */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly headroom: number;
  private readonly burstHeadroom: number;
  private readonly now: () => number;

  constructor(options: RateLimiterOptions = {}) {
    this.headroom = options.headroom ?? DEFAULT_HEADROOM;
    this.burstHeadroom = options.burstHeadroom ?? DEFAULT_BURST_HEADROOM;
    this.now = options.now ?? (() => performance.now());
  }

  private bucket(key: RateKey): TokenBucket {
    const choice = bucketFor(key.service, key.action);
    const id = `${key.identity}|${key.region}|${choice.name}`;
    let b = this.buckets.get(id);
    if (!b) {
      const burst = Math.max(1, Math.floor(choice.limit.burst * this.burstHeadroom));
      const perMs = (choice.limit.perSecond * this.headroom) / 1000;
      b = new TokenBucket(burst, perMs, this.now);
      this.buckets.set(id, b);
    }
    return b;
  }

  /** Waits for a token of the call's bucket; resolves with the milliseconds waited. Rejects if `signal` aborts. */
  async acquire(key: RateKey, signal?: AbortSignal): Promise<number> {
    const started = this.now();
    await this.bucket(key).take(signal);
    return this.now() - started;
  }

  /** Tokens available and calls waiting in the call's bucket (for tests and diagnostics). */
  inspect(key: RateKey): { burst: number; available: number; waiting: number } {
    const b = this.bucket(key);
    return { burst: b.burst, available: b.available(), waiting: b.waiting() };
  }

  /** Stops all timers and rejects waiting calls. */
  dispose(): void {
    const reason = new Error('The AWS rate limiter was reset');
    for (const b of this.buckets.values()) b.dispose(reason);
    this.buckets.clear();
  }
}

let shared = new RateLimiter();

/** The one limiter every AwsClients of this process shares. */
export function sharedRateLimiter(): RateLimiter {
  return shared;
}

/** Replaces the shared limiter with a fresh one (tests): waiting calls are rejected. */
export function resetRateLimiter(options: RateLimiterOptions = {}): void {
  shared.dispose();
  shared = new RateLimiter(options);
}
