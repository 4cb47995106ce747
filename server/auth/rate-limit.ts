// A token bucket per connection: a steady rate with a burst allowance. Refusals are answered
// (HTTP 429, or a `rate-limited` result on the WebSocket); the connection itself stays open.

export interface RateLimit {
  /** Sustained operations per second. */
  readonly perSecond: number;
  /** Operations allowed at once after a quiet spell. */
  readonly burst: number;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = limit.burst;
    this.updatedAt = now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.limit.perSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** One bucket per key object (an HTTP socket, a WebSocket), forgotten with the key. */
export class RateLimiter<K extends object> {
  private readonly buckets = new WeakMap<K, TokenBucket>();

  constructor(private readonly limit: RateLimit) {}

  allow(key: K): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.limit);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }
}
