// The simulated cluster's event stream: stamps each event with a sequence number and the virtual
// time, folds it into the view with the same reducer the server and the pages run, and keeps the
// history the scenario expectations read (truncations, snapshots, torn tails).
import type { ClusterEvent, UnstampedEvent } from '../../protocol/events.ts';
import { applyEvent, emptyClusterView } from '../../protocol/reduce-view.ts';
import type { ClusterView } from '../../protocol/views.ts';

/** Events kept for expectations about the past (as server/scenarios/cluster-target.ts keeps). */
const HISTORY_LIMIT = 50_000;

export class SimEventLog {
  readonly view: ClusterView;
  readonly history: ClusterEvent[] = [];
  private seq = 0;

  constructor(
    name: string,
    tickMs: number,
    private readonly now: () => number,
    /** Events kept; a recording keeps them all. */
    private readonly historyLimit = HISTORY_LIMIT,
  ) {
    this.view = emptyClusterView(name, 'production', tickMs);
  }

  emit(event: UnstampedEvent): ClusterEvent {
    const stamped = { ...event, seq: ++this.seq, time: this.now() } as ClusterEvent;
    applyEvent(this.view, stamped);
    this.history.push(stamped);
    if (this.history.length > this.historyLimit * 1.2) this.history.splice(0, this.history.length - this.historyLimit);
    return stamped;
  }
}
