// The one inspectable bus every node-to-node message crosses. Each message becomes data (id, from,
// to, kind, term, size, sentAt, deliverAt) held in a queue ordered by virtual delivery time; the
// network model decides when (or whether, or how many times) it arrives.
import type { MessageBase } from '../../shared/raft/types.ts';
import type { MessageView } from '../../shared/protocol/views.ts';
import type { UnstampedEvent } from '../../shared/protocol/events.ts';
import { DeliveryQueue } from './delivery-queue.ts';

export interface Routing {
  /** Virtual delivery times: none = dropped, two or more = duplicated. */
  readonly deliveries: readonly number[];
  readonly dropReason?: string;
}

/** The network model's decision for one message (shared/net implements it for real). */
export type Router = (from: string, to: string, now: number) => Routing;

export interface InFlight extends MessageView {
  readonly message: MessageBase;
}

export interface BusHooks {
  now(): number;
  /** Hands a message to the node's worker; false when the node is down (the message is lost). */
  deliver(to: string, message: MessageBase): boolean;
  emit(event: UnstampedEvent): void;
  /** Called when the earliest pending delivery moved earlier, so the scheduler can wake sooner. */
  wake(): void;
  describe(message: MessageBase): string;
}

export class Bus {
  private readonly queue = new DeliveryQueue<InFlight>();
  private nextId = 1;
  /** Totals for /metrics and the benchmark. */
  readonly counters = { sent: 0, delivered: 0, dropped: 0, duplicated: 0 };

  constructor(
    private readonly hooks: BusHooks,
    private router: Router,
  ) {}

  setRouter(router: Router): void {
    this.router = router;
  }

  send(messages: readonly MessageBase[]): void {
    const now = this.hooks.now();
    let wake = false;
    for (const message of messages) {
      const routing = this.router(message.from, message.to, now);
      const base = this.toView(message, now, routing.deliveries[0] ?? now);
      this.counters.sent += 1;
      if (routing.deliveries.length === 0) {
        // Shown as sent and then dropped, so a person sees the message leave and vanish.
        this.hooks.emit({ type: 'message-sent', message: base });
        this.counters.dropped += 1;
        this.hooks.emit({ type: 'message-dropped', id: base.id, reason: routing.dropReason ?? 'lost' });
        continue;
      }
      routing.deliveries.forEach((deliverAt, copy) => {
        const view = copy === 0 ? base : this.toView(message, now, deliverAt);
        if (copy > 0) this.counters.duplicated += 1;
        const head = this.queue.peek();
        if (!head || deliverAt < head.deliverAt) wake = true;
        this.queue.push({ ...view, message });
        this.hooks.emit({ type: 'message-sent', message: view });
      });
    }
    if (wake) this.hooks.wake();
  }

  /** Delivers every message due by `now`, in delivery order. */
  deliverDue(now: number): void {
    for (let head = this.queue.peek(); head && head.deliverAt <= now; head = this.queue.peek()) {
      this.queue.pop();
      this.deliver(head);
    }
  }

  nextDueAt(): number | undefined {
    return this.queue.peek()?.deliverAt;
  }

  /** Messages still travelling (for a late joiner's view and the inspector). */
  inFlight(): readonly InFlight[] {
    return this.queue.items();
  }

  /** A node died: what was travelling to it is lost with it. */
  dropTo(node: string, reason: string): void {
    for (const lost of this.queue.removeWhere((item) => item.to === node)) {
      this.counters.dropped += 1;
      this.hooks.emit({ type: 'message-dropped', id: lost.id, reason });
    }
  }

  private deliver(item: InFlight): void {
    if (this.hooks.deliver(item.to, item.message)) {
      this.counters.delivered += 1;
      this.hooks.emit({ type: 'message-delivered', id: item.id });
    } else {
      this.counters.dropped += 1;
      this.hooks.emit({ type: 'message-dropped', id: item.id, reason: `${item.to} is down` });
    }
  }

  private toView(message: MessageBase, sentAt: number, deliverAt: number): MessageView {
    const reject = (message as { reject?: unknown }).reject;
    return {
      id: this.nextId++,
      from: message.from,
      to: message.to,
      kind: message.type,
      term: message.term,
      size: approximateSize(message),
      sentAt,
      deliverAt,
      summary: this.hooks.describe(message),
      ...(typeof reject === 'boolean' ? { granted: !reject } : {}),
    };
  }
}

/** Bytes of the message as JSON, without paying for JSON.stringify on small messages. */
function approximateSize(message: MessageBase): number {
  const entries = (message as { entries?: readonly { data: string }[] }).entries;
  let size = 64;
  if (entries) for (const entry of entries) size += 24 + entry.data.length;
  const snapshot = (message as { snapshot?: { data: string } }).snapshot;
  if (snapshot) size += snapshot.data.length;
  return size;
}
