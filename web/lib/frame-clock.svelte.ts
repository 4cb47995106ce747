// A value that changes once per animation frame, for the few things that move continuously
// (messages in flight, election arcs, replay). Everything else re-renders only when data changes.
import { perfProbe } from './perf-probe.ts';

export class FrameClock {
  #now = $state(performance.now());
  #handle = 0;

  get now(): number {
    return this.#now;
  }

  start(onFrame?: (now: number) => void): void {
    const loop = (time: number): void => {
      this.#now = time;
      perfProbe.animationFrame(time);
      onFrame?.(time);
      this.#handle = requestAnimationFrame(loop);
    };
    this.#handle = requestAnimationFrame(loop);
  }

  stop(): void {
    cancelAnimationFrame(this.#handle);
  }
}
