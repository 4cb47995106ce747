// A cluster's event stream, for both hosts (the lab's cluster and the simulator's): stamps every
// event with the cluster's sequence number and (virtual) time, folds it into the cluster view with
// the reducer the page runs, keeps the most recent events (for a late joiner, the timeline and a
// scenario's expectations about the past) and hands each to subscribers.
import type { ClusterEvent, UnstampedEvent } from '../protocol/events.ts';
import { applyEvent } from '../protocol/reduce-view.ts';
import type { ClusterView } from '../protocol/views.ts';

export type EventListener = (event: ClusterEvent) => void;

export class EventLog {
  private seq = 0;
  private readonly listeners = new Set<EventListener>();
  /** The most recent events, oldest first; at most `keep` (a little more between trims). */
  readonly history: ClusterEvent[] = [];
  /** Events emitted in all (for /metrics). */
  total = 0;
  /** How deep in handing events to listeners this is: emitAfter waits until it is 0. */
  private dispatching = 0;
  private readonly after: UnstampedEvent[] = [];

  constructor(
    readonly view: ClusterView,
    private readonly now: () => number,
    /** Bound on events kept in memory; older ones are dropped, a quarter of the bound at a time. */
    private readonly keep = 5000,
  ) {}

  emit(event: UnstampedEvent): ClusterEvent {
    const stamped = { ...event, seq: ++this.seq, time: this.now() } as ClusterEvent;
    applyEvent(this.view, stamped);
    this.total += 1;
    this.history.push(stamped);
    if (this.history.length > this.keep * 1.25) this.history.splice(0, this.history.length - this.keep);
    this.dispatching += 1;
    try {
      for (const listener of this.listeners) listener(stamped);
    } finally {
      this.dispatching -= 1;
    }
    if (this.dispatching === 0) {
      const next = this.after.shift();
      if (next !== undefined) this.emit(next);
    }
    return stamped;
  }

  /**
   * For a listener that reacts to an event with one of its own (a challenge solved): emitted once
   * every listener has had the current one, so no subscriber sees the reaction before its cause.
   */
  emitAfter(event: UnstampedEvent): void {
    if (this.dispatching > 0) this.after.push(event);
    else this.emit(event);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `seq` still kept, oldest first. */
  since(seq: number): ClusterEvent[] {
    return this.history.filter((event) => event.seq > seq);
  }
}
