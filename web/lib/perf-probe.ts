// Measurements for bench/page.ts: how long from a frame's arrival until the browser starts the next
// animation frame with it applied (event-to-screen latency), and frame times. Cheap ring buffers on
// a global the bench reads; nothing here changes what the page does.
const LIMIT = 5000;

export interface PerfSamples {
  latencies: number[];
  frames: number[];
  events: number;
  /** Per summary taken while aggregating: ms of script (the clone and Svelte's updates, flushed at
   *  once), and ms from the next animation frame's start until the browser has drawn it. */
  summaryScript: number[];
  summaryRender: number[];
}

class PerfProbe {
  readonly samples: PerfSamples = { latencies: [], frames: [], events: 0, summaryScript: [], summaryRender: [] };
  #lastFrame = 0;

  frameApplied(receivedAt: number, events: number): void {
    this.samples.events += events;
    requestAnimationFrame(() => push(this.samples.latencies, performance.now() - receivedAt));
  }

  /** A summary's script took `scriptMs`; the next frame draws it. A message posted from inside an
   *  animation frame arrives after that frame's style, layout and paint, so the gap is their cost. */
  summaryApplied(scriptMs: number): void {
    push(this.samples.summaryScript, scriptMs);
    requestAnimationFrame(() => {
      const frameStart = performance.now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        push(this.samples.summaryRender, performance.now() - frameStart);
        channel.port1.close();
      };
      channel.port2.postMessage(null);
    });
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
