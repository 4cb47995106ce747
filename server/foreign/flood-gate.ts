// How many messages a foreign node may send per second (a token bucket): a node printing in a
// tight loop must not fill the bus's queue faster than it drains. What is over the rate is
// dropped, counted, and said on the node's card.

export class FloodGate {
  private tokens: number;
  private last: number;
  /** Messages dropped since the last time someone asked. */
  private dropped = 0;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** True when one more message may go now. */
  admit(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.dropped += 1;
    return false;
  }

  /** Dropped since the last call (and resets the count). */
  takeDropped(): number {
    const dropped = this.dropped;
    this.dropped = 0;
    return dropped;
  }
}
