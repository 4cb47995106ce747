// A cluster's events as they come, kept so any stretch of them can become a recording in the page's
// format (recording.ts): a starting view and every event after it. One tape for whoever listens
// to a cluster: the fixture package's recorder (from the cluster's WebSocket) and the grader (from
// the cluster's event log, in process). Bounded: past `maxEvents` the oldest are folded into the
// starting view with the page's reducer, as the page forgets them.
import { applyEvent } from './reduce-view.ts';
import type { ClusterEvent } from './events.ts';
import { makeRecording, type Recording, type RecordingMoment } from './recording.ts';
import type { ClusterView } from './views.ts';

/** Events kept by default; a grader run or a long fixture test stays well inside it. */
export const MAX_TAPE_EVENTS = 200_000;

export class RecordingTape {
  #start: ClusterView;
  #events: ClusterEvent[] = [];
  #lastSeq: number;

  constructor(
    start: ClusterView,
    private readonly maxEvents = MAX_TAPE_EVENTS,
  ) {
    this.#start = structuredClone(start);
    this.#lastSeq = start.seq;
  }

  get start(): ClusterView {
    return this.#start;
  }

  get events(): readonly ClusterEvent[] {
    return this.#events;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Starts over from `start` (a resync: the source coalesced what this tape missed). */
  restart(start: ClusterView): void {
    this.#start = structuredClone(start);
    this.#events = [];
    this.#lastSeq = start.seq;
  }

  /** Appends events newer than the last one kept (a repeat is skipped). */
  append(events: readonly ClusterEvent[]): void {
    for (const event of events) {
      if (event.seq <= this.#lastSeq) continue;
      this.#events.push(event);
      this.#lastSeq = event.seq;
    }
    if (this.#events.length > this.maxEvents * 1.1) {
      const forgotten = this.#events.splice(0, this.#events.length - this.maxEvents);
      const start = structuredClone(this.#start);
      for (const event of forgotten) applyEvent(start, event);
      this.#start = start;
    }
  }

  /** Everything kept, as a recording. */
  recording(name: string): Recording {
    return makeRecording(name, this.#start, this.#events);
  }

  /**
   * The stretch after event `fromSeq` up to `toSeq` (both as seq numbers), as a recording that
   * starts from the view right after `fromSeq` and, with a moment, opens there. A stretch reaching
   * back before what is kept starts at the oldest kept event.
   */
  stretch(name: string, fromSeq: number, toSeq: number, moment?: RecordingMoment): Recording {
    const start = structuredClone(this.#start);
    let first = 0;
    while (first < this.#events.length && this.#events[first]!.seq <= fromSeq) applyEvent(start, this.#events[first++]!);
    let end = first;
    while (end < this.#events.length && this.#events[end]!.seq <= toSeq) end += 1;
    const recording = makeRecording(name, start, this.#events.slice(first, end));
    return moment ? { ...recording, moment } : recording;
  }
}
