// A value that changes once per animation frame, for the few things that move continuously
// (messages in flight). Everything else re-renders only when the view changes.
export class FrameClock {
  #now = $state(performance.now());
  #handle = 0;

  get now(): number {
    return this.#now;
  }

  start(): void {
    const loop = (time: number): void => {
      this.#now = time;
      this.#handle = requestAnimationFrame(loop);
    };
    this.#handle = requestAnimationFrame(loop);
  }

  stop(): void {
    cancelAnimationFrame(this.#handle);
  }
}
