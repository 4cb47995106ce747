// Stamps every event with the cluster's sequence number and virtual time, folds it into the
// cluster view (the same reducer the page runs) and hands it to subscribers.
import type { ClusterEvent, UnstampedEvent } from '../../shared/protocol/events.ts';
import { applyEvent } from '../../shared/protocol/reduce-view.ts';
import type { ClusterView } from '../../shared/protocol/views.ts';

export type EventListener = (event: ClusterEvent) => void;

export class EventLog {
  private seq = 0;
  private readonly listeners = new Set<EventListener>();
  private readonly recent: ClusterEvent[] = [];
  /** Counts for /metrics. */
  total = 0;

  constructor(
    readonly view: ClusterView,
    private readonly now: () => number,
    /** Bound on events kept in memory (for late joiners and the timeline); older ones are dropped. */
    private readonly keep = 5000,
  ) {}

  emit(event: UnstampedEvent): ClusterEvent {
    const stamped = { ...event, seq: ++this.seq, time: this.now() } as ClusterEvent;
    applyEvent(this.view, stamped);
    this.total += 1;
    this.recent.push(stamped);
    if (this.recent.length > this.keep * 1.25) this.recent.splice(0, this.recent.length - this.keep);
    for (const listener of this.listeners) listener(stamped);
    return stamped;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `seq` still kept, oldest first. */
  since(seq: number): ClusterEvent[] {
    return this.recent.filter((event) => event.seq > seq);
  }
}
