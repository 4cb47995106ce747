// Everything the page has seen of a cluster, kept so the past can be scrubbed and replayed. The
// past is a recording of what the real nodes did: the view at any moment is rebuilt by the same
// shared reducer the server uses, from a checkpoint plus the events after it, never guessed.
import { applyEvent, type ClusterEvent, type ClusterView } from '../../shared/protocol/index.ts';

interface Checkpoint {
  /** Index into `events` of the first event not folded into `view`. */
  readonly at: number;
  readonly time: number;
  readonly view: ClusterView;
}

export interface RecorderLimits {
  /** Events kept; the oldest are forgotten (with their checkpoints) beyond this. */
  readonly maxEvents: number;
  /** A checkpoint every this many events bounds the cost of seeking to any moment. */
  readonly checkpointEvery: number;
}

/**
 * A checkpoint is a structured clone of the whole view: at production speed (4,000+ events a
 * second with 7 nodes) one every 400 events cost 3 % of the page's main thread (bench/page.ts
 * --profile-page). Folding 2,000 events to seek takes ~8 ms (the reducer: ~4 µs an event).
 */
const DEFAULT_LIMITS: RecorderLimits = { maxEvents: 60_000, checkpointEvery: 2_000 };

function clone<T>(value: T): T {
  return structuredClone(value);
}

export class Recorder {
  #events: ClusterEvent[] = [];
  #checkpoints: Checkpoint[] = [];
  /** The view after every recorded event, kept plain (not reactive) for checkpoints. */
  #head: ClusterView;
  readonly limits: RecorderLimits;

  constructor(start: ClusterView, events: readonly ClusterEvent[] = [], limits: Partial<RecorderLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.#head = clone(start);
    this.#checkpoints.push({ at: 0, time: start.clock.now, view: clone(start) });
    this.append(events);
  }

  get events(): readonly ClusterEvent[] {
    return this.#events;
  }

  /** The view before the first kept event: where a recording starts. */
  get start(): ClusterView {
    return this.#checkpoints[0]!.view;
  }

  get startTime(): number {
    return this.#checkpoints[0]!.time;
  }

  get endTime(): number {
    return Math.max(this.startTime, this.#events.at(-1)?.time ?? this.startTime, this.#head.clock.now);
  }

  get head(): ClusterView {
    return this.#head;
  }

  /** Folds new events in order; events at or below the head's seq are ignored (duplicates). */
  append(events: readonly ClusterEvent[]): ClusterEvent[] {
    const fresh: ClusterEvent[] = [];
    for (const event of events) {
      if (event.seq <= this.#head.seq) continue;
      applyEvent(this.#head, event);
      this.#events.push(event);
      fresh.push(event);
      const last = this.#checkpoints.at(-1)!;
      if (this.#events.length - last.at >= this.limits.checkpointEvery) {
        this.#checkpoints.push({ at: this.#events.length, time: event.time, view: clone(this.#head) });
      }
    }
    if (this.#events.length > this.limits.maxEvents) this.#forgetOldest();
    return fresh;
  }

  /** Notes the clock's advance without an event (frames carry the clock). */
  advanceClock(now: number): void {
    if (now > this.#head.clock.now) this.#head.clock.now = now;
  }

  /** Number of events with time <= `time` (binary search; events are in time order). */
  countUntil(time: number): number {
    let low = 0;
    let high = this.#events.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.#events[mid]!.time <= time) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** A fresh copy of the view as it was after the first `count` events. */
  viewAfter(count: number): ClusterView {
    let checkpoint = this.#checkpoints[0]!;
    for (const candidate of this.#checkpoints) {
      if (candidate.at <= count) checkpoint = candidate;
      else break;
    }
    const view = clone(checkpoint.view);
    for (let i = checkpoint.at; i < count; i++) applyEvent(view, this.#events[i]!);
    return view;
  }

  viewAt(time: number): ClusterView {
    const view = this.viewAfter(this.countUntil(time));
    view.clock = { ...view.clock, now: Math.max(view.clock.now, time) };
    return view;
  }

  /** Events in [from, to] of virtual time. */
  between(from: number, to: number): ClusterEvent[] {
    return this.#events.slice(this.countUntil(from - 1e-9), this.countUntil(to));
  }

  #forgetOldest(): void {
    // Drop whole checkpoint intervals so every kept event still has a checkpoint before it.
    const excess = this.#events.length - this.limits.maxEvents;
    const keepFrom = this.#checkpoints.find((checkpoint) => checkpoint.at >= excess);
    if (!keepFrom || keepFrom.at === 0) return;
    const shift = keepFrom.at;
    this.#events = this.#events.slice(shift);
    this.#checkpoints = this.#checkpoints.filter((checkpoint) => checkpoint.at >= shift).map((checkpoint) => ({ ...checkpoint, at: checkpoint.at - shift }));
  }
}
