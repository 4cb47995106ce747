// A node's ticks inside its worker. The main thread counts the lab clock's ticks in shared memory
// (tick-cell.ts); this feeds the node the ticks it has not seen yet before every input, in order,
// and otherwise lets the worker sleep until the first tick that can change anything (the core's
// ticksUntilDue: an election timeout, a leader's heartbeat or quorum check, a lease ending).
//
// Why: with a tick posted to every worker every 10 ms, an idle 3-node production cluster spent
// about a sixth of a core waking threads that had nothing to do.
import { monotonicMs, type TickCell } from './tick-cell.ts';

export interface TickerNode {
  /** Step the core through this many ticks. */
  tick(ticks: number): void;
  ticksUntilDue(): number;
  /** Ticks were fed with no message to go with them: run the host loop. */
  wake(): void;
}

export interface TickerClock {
  readonly tickMs: number;
  /** Virtual ms per real ms. */
  readonly speed: number;
  readonly paused: boolean;
}

/** Wake a little after the tick is planned, so the main thread has counted it already (timers
 *  have whole-millisecond resolution). */
const AFTER_TICK_MS = 1;

export class WorkerTicker {
  /** The cell's count up to which this node has been fed. */
  private fed: number;
  private frozen = false;
  private timer: NodeJS.Timeout | null = null;
  /** Backoff while the main thread is late counting a planned tick (it is busy or stalled). */
  private lateRetryMs = 1;

  constructor(
    private readonly cell: TickCell,
    private clock: TickerClock,
    private readonly node: TickerNode,
    private readonly now: () => number = monotonicMs,
    /** The count the node's time starts from (default: now). */
    since: number = cell.ticks(),
  ) {
    this.fed = since;
  }

  /** Before any input: the node lives through the ticks that passed while its worker slept. */
  catchUp(): void {
    if (this.frozen) return;
    const owed = (this.cell.ticks() - this.fed) | 0;
    if (owed <= 0) return;
    this.fed = (this.fed + owed) | 0;
    this.node.tick(owed);
  }

  /** After each host loop: sleep until the tick that can change something, or for good. */
  arm(): void {
    this.disarm();
    if (this.frozen || this.clock.paused) return;
    const due = this.node.ticksUntilDue();
    if (!Number.isFinite(due)) return;
    const ahead = (this.fed + due - this.cell.ticks()) | 0;
    if (ahead <= 0) {
      this.timer = setTimeout(this.fire, 0); // counted already while we worked
      return;
    }
    // No tick planned while the clock runs: the scheduler has not started or is re-planning. Ask
    // again soon rather than sleep for good (a paused clock comes with a message that re-arms).
    const planned = this.cell.nextTickAt();
    const tickRealMs = this.clock.tickMs / this.clock.speed;
    const delay = Number.isFinite(planned) ? planned + (ahead - 1) * tickRealMs + AFTER_TICK_MS - this.now() : 0;
    if (delay > 0) {
      this.lateRetryMs = 1;
      this.timer = setTimeout(this.fire, Math.ceil(delay));
    } else {
      this.timer = setTimeout(this.fire, this.lateRetryMs);
      this.lateRetryMs = Math.min(this.lateRetryMs * 2, Math.max(1, tickRealMs));
    }
  }

  /** The lab clock changed speed, paused or resumed. */
  setClock(clock: TickerClock): void {
    this.clock = clock;
    this.catchUp();
    this.arm();
  }

  /** A paused node (the lab's pause button) lives through no ticks; on resume the pause is skipped, as before. */
  freeze(frozen: boolean): void {
    if (frozen === this.frozen) return;
    if (frozen) {
      this.catchUp();
      this.frozen = true;
      this.disarm();
    } else {
      this.frozen = false;
      this.fed = this.cell.ticks();
      this.arm();
    }
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly fire = (): void => {
    this.timer = null;
    this.catchUp();
    this.node.wake();
  };
}
