// Virtual time for one cluster. It advances with real time × speed, and stands still while paused.
// Every tick a node lives through and every message the bus delivers is scheduled on this clock, so
// pausing it truly freezes the cluster.
export interface ClockState {
  readonly now: number;
  readonly speed: number;
  readonly paused: boolean;
}

export class LabClock {
  /** Virtual time at the last re-anchoring. */
  private virtualAnchor = 0;
  /** Real time (ms, from realNow) at the last re-anchoring. */
  private realAnchor: number;
  private currentSpeed: number;
  private isPaused = false;

  constructor(
    speed: number,
    private readonly realNow: () => number = () => performance.now(),
    /** Told the anchor whenever it changes (clock-cell.ts: the nodes' workers read the clock so). */
    private readonly onAnchor?: (virtualAnchor: number, realAnchor: number, speed: number) => void,
  ) {
    this.currentSpeed = speed;
    this.realAnchor = realNow();
    this.published();
  }

  now(): number {
    if (this.isPaused) return this.virtualAnchor;
    return this.virtualAnchor + (this.realNow() - this.realAnchor) * this.currentSpeed;
  }

  get speed(): number {
    return this.currentSpeed;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  state(): ClockState {
    return { now: this.now(), speed: this.currentSpeed, paused: this.isPaused };
  }

  setSpeed(speed: number): void {
    this.reanchor();
    this.currentSpeed = speed;
    this.published();
  }

  pause(): void {
    this.reanchor();
    this.isPaused = true;
    this.published();
  }

  resume(): void {
    this.reanchor();
    this.isPaused = false;
    this.published();
  }

  /** Moves virtual time forward by hand (single-stepping while paused). */
  advanceBy(virtualMs: number): void {
    this.reanchor();
    this.virtualAnchor += virtualMs;
    this.published();
  }

  /** Real milliseconds until the clock reads `virtualTime`; Infinity while paused. */
  realDelayUntil(virtualTime: number): number {
    if (this.isPaused) return Infinity;
    return Math.max(0, (virtualTime - this.now()) / this.currentSpeed);
  }

  private reanchor(): void {
    this.virtualAnchor = this.now();
    this.realAnchor = this.realNow();
  }

  private published(): void {
    this.onAnchor?.(this.virtualAnchor, this.realAnchor, this.isPaused ? 0 : this.currentSpeed);
  }
}
