/**
 * Token buckets per (account, region, bucket), refilled on the wall clock: API rate limits are
 * about real request rates, whatever the simulation's time scale.
 */
import type { TokenBucketLimit } from '../core/aws-limits.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private buckets = new Map<string, Bucket>();

  /** Takes one token from the bucket `key` (created full); false when it is empty. */
  take(key: string, limit: TokenBucketLimit, nowMs: number = performance.now()): boolean {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: limit.burst, updatedAt: nowMs };
      this.buckets.set(key, b);
    }
    const elapsed = (nowMs - b.updatedAt) / 1000;
    b.tokens = Math.min(limit.burst, b.tokens + elapsed * limit.perSecond);
    b.updatedAt = nowMs;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Refills every bucket (used by reset and when throttling is switched back on). */
  clear(): void {
    this.buckets.clear();
  }
}
