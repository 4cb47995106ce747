// The one inspectable bus every node-to-node message crosses. Each message becomes data (id, from,
// to, kind, term, size, sentAt, deliverAt) held in a queue ordered by virtual delivery time; the
// network model decides when (or whether, or how many times) it arrives. Hold mode, single steps,
// paused receivers and the inspector's drop / deliver-now / duplicate all act on that queue.
//
// Cost matters here: every message of every node crosses this file on the main thread. Messages
// due in one scheduler run go to each node as one batch (one postMessage, one structured clone),
// and a message's one-line summary is only built when someone reads it (a page, the inspector).
import type { MessageBase } from '../../shared/raft/types.ts';
import type { MessageView } from '../../shared/protocol/views.ts';
import type { UnstampedEvent } from '../../shared/protocol/events.ts';
import { DeliveryQueue } from './delivery-queue.ts';
import { MessageInFlight } from '../../shared/host/message-in-flight.ts';
import { NodeDoors } from '../../shared/host/node-doors.ts';

export interface Routing {
  /** Virtual delivery times: none = dropped, two or more = duplicated. */
  readonly deliveries: readonly number[];
  readonly dropReason?: string;
}

/** The network model's decision for one message (shared/net implements it). */
export type Router = (from: string, to: string, now: number) => Routing;

export interface InFlight extends MessageView {
  readonly message: MessageBase;
}

export interface BusHooks {
  now(): number;
  /** Hands messages (in order) to the node's worker; false when the node is down (they are lost). */
  deliver(to: string, messages: readonly MessageBase[]): boolean;
  /** A paused node's messages wait at its door instead of being delivered. */
  isPaused(node: string): boolean;
  emit(event: UnstampedEvent): void;
  /** Called when the earliest pending delivery moved earlier, so the scheduler can wake sooner. */
  wake(): void;
}

/** Delivered and dropped messages kept for the inspector. */
const HISTORY = 500;

export class Bus {
  private readonly queue = new DeliveryQueue<InFlight>();
  /** Messages that arrived at a paused node's door, in arrival order. */
  private readonly parked = new NodeDoors<InFlight>();
  private readonly history: InFlight[] = [];
  private nextId = 1;
  private holding = false;
  /** Totals for /metrics and the benchmark. */
  readonly counters = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, direct: 0 };

  constructor(
    private readonly hooks: BusHooks,
    private router: Router,
  ) {}

  get held(): boolean {
    return this.holding;
  }

  setRouter(router: Router): void {
    this.router = router;
  }

  send(messages: readonly MessageBase[]): void {
    const now = this.hooks.now();
    let wake = false;
    for (const message of messages) {
      const routing = this.router(message.from, message.to, now);
      this.counters.sent += 1;
      if (routing.deliveries.length === 0) {
        // Shown as sent and then dropped, so a person sees the message leave and vanish.
        const item = this.inFlightOf(message, now, now);
        this.hooks.emit({ type: 'message-sent', message: item });
        this.drop(item, routing.dropReason ?? 'lost');
        continue;
      }
      routing.deliveries.forEach((deliverAt, copy) => {
        if (copy > 0) this.counters.duplicated += 1;
        wake = this.enqueue(this.inFlightOf(message, now, deliverAt)) || wake;
      });
    }
    if (wake) this.hooks.wake();
  }

  /**
   * Messages a node took from a direct lane (an instant link, see lanes.ts): they did not wait
   * here, but they are shown, counted and kept for the inspector like every other message.
   */
  record(messages: readonly MessageBase[]): void {
    const now = this.hooks.now();
    for (const message of messages) {
      const item = this.inFlightOf(message, now, now);
      this.counters.sent += 1;
      this.counters.delivered += 1;
      this.counters.direct += 1;
      this.remember(item);
      this.hooks.emit({ type: 'message-sent', message: item });
      this.hooks.emit({ type: 'message-delivered', id: item.id });
    }
  }

  /** Delivers every message due by `now`, in delivery order (nothing while held): one batch per node. */
  deliverDue(now: number): void {
    if (this.holding) return;
    const batches = new Map<string, InFlight[]>();
    for (let head = this.queue.peek(); head && head.deliverAt <= now; head = this.queue.peek()) {
      this.queue.pop();
      if (this.park(head)) continue;
      const batch = batches.get(head.to);
      if (batch) batch.push(head);
      else batches.set(head.to, [head]);
    }
    for (const [to, batch] of batches) this.deliverBatch(to, batch);
  }

  nextDueAt(): number | undefined {
    return this.holding ? undefined : this.queue.peek()?.deliverAt;
  }

  setHeld(held: boolean): void {
    if (held === this.holding) return;
    this.holding = held;
    this.hooks.emit({ type: 'bus-hold', held });
    if (!held) this.hooks.wake();
  }

  /** Delivers the next message in delivery order, and only that one. */
  step(): InFlight | undefined {
    const next = this.queue.pop();
    if (next) this.deliver(next);
    return next;
  }

  /** Messages still travelling or waiting at a paused node's door. */
  inFlight(): InFlight[] {
    return [...this.queue.items(), ...this.parked.all()];
  }

  /** The whole message for the inspector: in flight, parked, or recently delivered or dropped. */
  inspect(id: number): { state: 'in-flight' | 'parked' | 'done'; message: InFlight } | undefined {
    const flying = this.queue.items().find((item) => item.id === id);
    if (flying) return { state: 'in-flight', message: flying };
    const waiting = this.parked.find(id);
    if (waiting) return { state: 'parked', message: waiting };
    const done = this.history.find((item) => item.id === id);
    return done ? { state: 'done', message: done } : undefined;
  }

  dropById(id: number, reason: string): boolean {
    const item = this.take(id);
    if (item) this.drop(item, reason);
    return item !== undefined;
  }

  deliverNow(id: number): boolean {
    const item = this.take(id);
    if (item) this.deliver(item);
    return item !== undefined;
  }

  /** Sends a second copy of an in-flight message, arriving when the original would. */
  duplicate(id: number): InFlight | undefined {
    const found = this.inspect(id);
    if (!found || found.state === 'done') return undefined;
    const original = found.message;
    const copy = this.inFlightOf(original.message, this.hooks.now(), original.deliverAt);
    this.counters.duplicated += 1;
    if (this.enqueue(copy)) this.hooks.wake();
    return copy;
  }

  /** A node died: what was travelling to it, or waiting at its door, is lost with it. */
  dropTo(node: string, reason: string): void {
    for (const lost of this.queue.removeWhere((item) => item.to === node)) this.drop(lost, reason);
    for (const lost of this.parked.empty(node)) this.drop(lost, reason);
  }

  /** A paused node resumed: everything that waited at its door is delivered now, in order. */
  releaseParked(node: string): void {
    const door = this.parked.empty(node);
    if (door.length > 0) this.deliverBatch(node, door);
  }

  private enqueue(item: InFlight): boolean {
    const head = this.queue.peek();
    this.queue.push(item);
    this.hooks.emit({ type: 'message-sent', message: item });
    return !head || item.deliverAt < head.deliverAt;
  }

  private take(id: number): InFlight | undefined {
    return this.queue.remove(id) ?? this.parked.take(id);
  }

  private deliver(item: InFlight): void {
    if (!this.park(item)) this.deliverBatch(item.to, [item]);
  }

  /** A paused node's messages wait at its door; true when `item` was parked. */
  private park(item: InFlight): boolean {
    if (!this.hooks.isPaused(item.to)) return false;
    this.parked.park(item);
    return true;
  }

  private deliverBatch(to: string, items: readonly InFlight[]): void {
    for (const item of items) this.remember(item);
    const up = this.hooks.deliver(to, items.map((item) => item.message));
    for (const item of items) {
      if (up) {
        this.counters.delivered += 1;
        this.hooks.emit({ type: 'message-delivered', id: item.id });
      } else {
        this.counters.dropped += 1;
        this.hooks.emit({ type: 'message-dropped', id: item.id, reason: `${to} is down` });
      }
    }
  }

  private drop(item: InFlight, reason: string): void {
    this.remember(item);
    this.counters.dropped += 1;
    this.hooks.emit({ type: 'message-dropped', id: item.id, reason });
  }

  private remember(item: InFlight): void {
    this.history.push(item);
    if (this.history.length > HISTORY * 1.2) this.history.splice(0, this.history.length - HISTORY);
  }

  private inFlightOf(message: MessageBase, sentAt: number, deliverAt: number): InFlight {
    return new MessageInFlight(this.nextId++, message, sentAt, deliverAt);
  }
}
