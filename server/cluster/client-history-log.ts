// Every cluster's client history, kept for GET /api/clusters/{c}/history: the client-call and
// client-op events (the event log keeps only its last few thousand events of every kind). It is
// bounded: past MAX_CLIENT_EVENTS the oldest go, and the verdict then judges only the keys whose
// whole history is still here (client-history.ts's historySince), never a guess about the rest.
import { isClientEvent, verdictOf, type ClientEvent, type Verdict } from '../../shared/protocol/client-history.ts';
import type { EventLog } from '../../shared/host/event-log.ts';

export const MAX_CLIENT_EVENTS = 40_000;

export class ClientHistoryLog {
  private kept: ClientEvent[] = [];
  /** The call time of the first event still kept, once some were dropped. */
  private since: number | undefined;

  constructor(events: EventLog, private readonly max = MAX_CLIENT_EVENTS) {
    events.subscribe((event) => {
      if (isClientEvent(event)) this.add(event);
    });
  }

  events(): readonly ClientEvent[] {
    return this.kept;
  }

  /** The server-side linearizability verdict (WGL, shared/check) over what is kept. */
  verdict(): Verdict {
    return verdictOf(this.kept, this.since === undefined ? {} : { since: this.since });
  }

  /** Whether older operations were dropped (the verdict then covers the keys seen whole). */
  get trimmed(): boolean {
    return this.since !== undefined;
  }

  private add(event: ClientEvent): void {
    this.kept.push(event);
    if (this.kept.length <= this.max * 1.1) return;
    this.kept = this.kept.slice(this.kept.length - this.max);
    this.since = this.kept[0]!.start;
  }
}
