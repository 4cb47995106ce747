// Measurements for bench/page.ts: how long from a frame's arrival until the browser starts the next
// animation frame with it applied (event-to-screen latency), and frame times. Cheap ring buffers on
// a global the bench reads; nothing here changes what the page does.
const LIMIT = 5000;

export interface PerfSamples {
  latencies: number[];
  frames: number[];
  events: number;
}

class PerfProbe {
  readonly samples: PerfSamples = { latencies: [], frames: [], events: 0 };
  #lastFrame = 0;

  frameApplied(receivedAt: number, events: number): void {
    this.samples.events += events;
    requestAnimationFrame(() => push(this.samples.latencies, performance.now() - receivedAt));
  }

  animationFrame(now: number): void {
    if (this.#lastFrame > 0) push(this.samples.frames, now - this.#lastFrame);
    this.#lastFrame = now;
  }
}

function push(list: number[], value: number): void {
  list.push(value);
  if (list.length > LIMIT) list.splice(0, list.length - LIMIT);
}

export const perfProbe = new PerfProbe();
(globalThis as { __raftlabPerf?: PerfSamples }).__raftlabPerf = perfProbe.samples;
