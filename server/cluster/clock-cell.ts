// The lab clock as every thread of the process reads it: the main thread's LabClock publishes its
// anchor (virtual time at a real moment, and its speed) here whenever it changes, and a node's
// worker computes the same virtual "now" from it — so the client operations its own API port
// serves are timed on the clock the history, the checkers and the page use.
//
// Layout: an Int32 sequence number (odd while a write is under way: readers retry), then three
// Float64s: virtual anchor, real anchor (monotonicMs), speed (0 while paused).
import { monotonicMs } from './tick-cell.ts';

export class ClockCell {
  private readonly seq: Int32Array;
  private readonly values: Float64Array;
  readonly buffer: SharedArrayBuffer;

  constructor(shared?: SharedArrayBuffer) {
    this.buffer = shared ?? new SharedArrayBuffer(32);
    this.seq = new Int32Array(this.buffer, 0, 1);
    this.values = new Float64Array(this.buffer, 8, 3);
  }

  /** Main thread: the clock read `virtualAnchor` at `realAnchor` (monotonicMs) and runs at `speed` (0: paused). */
  publish(virtualAnchor: number, realAnchor: number, speed: number): void {
    Atomics.add(this.seq, 0, 1);
    this.values[0] = virtualAnchor;
    this.values[1] = realAnchor;
    this.values[2] = speed;
    Atomics.add(this.seq, 0, 1);
  }

  /** The lab clock's virtual ms now, as the main thread's LabClock would read it. */
  now(): number {
    for (;;) {
      const before = Atomics.load(this.seq, 0);
      const virtualAnchor = this.values[0]!;
      const realAnchor = this.values[1]!;
      const speed = this.values[2]!;
      if (before % 2 === 0 && Atomics.load(this.seq, 0) === before) return virtualAnchor + (monotonicMs() - realAnchor) * speed;
    }
  }
}
