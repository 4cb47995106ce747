// Drives a cluster from its lab clock: counts a tick at every tick boundary (the nodes' workers read
// the count: tick-cell.ts) and has the bus deliver messages when their virtual delivery time comes.
// One real timer, re-armed for the next due thing (or setImmediate when that thing is due already).
import type { LabClock } from './lab-clock.ts';

export interface SchedulerTargets {
  /** Called with how many ticks passed (usually 1). */
  tick(ticks: number): void;
  /** Real ms from now until the next tick is planned (Infinity while paused or stopped), so the
   *  nodes' workers can sleep until the tick they need (worker-ticker.ts). */
  planTick?(realDelayMs: number): void;
  deliverDue(now: number): void;
  nextDeliveryAt(): number | undefined;
}

/** More ticks than this owed at once (the process stalled) are skipped, not replayed in a burst. */
const MAX_CATCH_UP_TICKS = 5;

export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private readonly runNow = (): void => this.run();
  private armedFor = Infinity;
  private nextTickAt: number;
  private running = false;

  constructor(
    private readonly clock: LabClock,
    private readonly tickMs: number,
    private readonly targets: SchedulerTargets,
  ) {
    this.nextTickAt = clock.now() + tickMs;
  }

  start(): void {
    this.running = true;
    this.nextTickAt = this.clock.now() + this.tickMs;
    this.rearm();
  }

  stop(): void {
    this.running = false;
    this.disarm();
    this.targets.planTick?.(Infinity);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    this.armedFor = Infinity;
  }

  /** Something changed (a message arrived, the clock resumed or sped up): re-plan the timer. */
  wake(): void {
    if (!this.running) return;
    const due = this.nextDue();
    if (due < this.armedFor || this.clock.paused) this.rearm();
  }

  /** Clock changes (pause, resume, speed) move every real deadline. */
  clockChanged(): void {
    if (this.running) this.rearm();
  }

  private nextDue(): number {
    return Math.min(this.nextTickAt, this.targets.nextDeliveryAt() ?? Infinity);
  }

  private rearm(): void {
    this.disarm();
    this.targets.planTick?.(this.running ? this.clock.realDelayUntil(this.nextTickAt) : Infinity);
    if (!this.running || this.clock.paused) return;
    const due = this.nextDue();
    const delay = this.clock.realDelayUntil(due);
    this.armedFor = due;
    // Due already (a zero-latency link): setTimeout would wait at least 1 ms per hop, twice per
    // write. Run as soon as this turn of the event loop ends instead; what else arrives in this
    // turn is delivered in the same run.
    if (delay <= 0) this.immediate = setImmediate(this.runNow);
    else this.timer = setTimeout(this.runNow, Math.min(delay, 2 ** 31 - 1));
  }

  private run(): void {
    this.timer = null;
    this.immediate = null;
    this.armedFor = Infinity;
    const now = this.clock.now();
    let owed = 0;
    while (this.nextTickAt <= now) {
      owed += 1;
      this.nextTickAt += this.tickMs;
    }
    if (owed > MAX_CATCH_UP_TICKS) owed = MAX_CATCH_UP_TICKS;
    if (owed > 0) this.targets.tick(owed);
    this.targets.deliverDue(now);
    this.rearm();
  }
}
