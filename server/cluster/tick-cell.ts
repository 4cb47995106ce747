// The lab clock's ticks, shared with every node's worker through memory instead of a message per
// tick. The main thread's scheduler still decides when a tick happens (so a paused or slowed clock,
// or a stalled main thread, holds every node's time as before); it only counts them here. A worker
// reads the count whenever it wakes and sleeps until the next tick its node cares about (the core's
// ticksUntilDue), so an idle follower is no longer woken a hundred times a second for nothing.
//
// Layout: an Int32 tick count (wraps after 2^31 ticks, 248 days at 1× speed; readers subtract, so a
// wrap is harmless) and the monotonic time (µs, process.hrtime) the scheduler plans the next tick for.

/** Monotonic milliseconds, the same clock in every thread of the process (performance.now() is not:
 *  each worker has its own time origin). */
export function monotonicMs(): number {
  const [seconds, nanos] = process.hrtime();
  return seconds * 1e3 + nanos / 1e6;
}

export class TickCell {
  private readonly count: Int32Array;
  private readonly nextAt: BigInt64Array;

  readonly buffer: SharedArrayBuffer;

  /** A new cell (main thread), or a view of one made elsewhere (a worker). */
  constructor(shared?: SharedArrayBuffer) {
    this.buffer = shared ?? new SharedArrayBuffer(16);
    this.count = new Int32Array(this.buffer, 0, 1);
    this.nextAt = new BigInt64Array(this.buffer, 8, 1);
    if (!shared) this.planNext(Infinity);
  }

  /** Main thread: `ticks` ticks happened. */
  advance(ticks: number): void {
    Atomics.add(this.count, 0, ticks);
  }

  /** Main thread: when (monotonicMs) the scheduler will next count a tick; Infinity while paused. */
  planNext(atMs: number): void {
    Atomics.store(this.nextAt, 0, Number.isFinite(atMs) ? BigInt(Math.round(atMs * 1e3)) : -1n);
  }

  ticks(): number {
    return Atomics.load(this.count, 0);
  }

  /** monotonicMs of the next tick, or Infinity when none is planned (the clock is paused). */
  nextTickAt(): number {
    const micros = Atomics.load(this.nextAt, 0);
    return micros < 0n ? Infinity : Number(micros) / 1e3;
  }
}
