// The one inspectable bus every node-to-node message crosses, for both hosts: the lab's cluster
// (worker threads, real time × speed) and the simulator's (in-process nodes, virtual time). Each
// message becomes data (id, from, to, kind, term, size, sentAt, deliverAt) held in a queue ordered
// by virtual delivery time; the network model decides when (or whether, or how many times) it
// arrives. Hold mode, single steps, paused receivers and the inspector's drop / deliver-now /
// duplicate all act on that queue, with the same events in both worlds: message-sent, then
// message-delivered or message-dropped.
//
// Cost matters here: in the lab every message of every node crosses this file on the main thread.
// Messages due at once go to each node as one batch (one postMessage, one structured clone), a
// message's one-line summary is only built when someone reads it, and a message taken out by hand
// leaves the heap lazily (skipped when it reaches the top).
import type { MessageBase } from '../raft/types.ts';
import type { UnstampedEvent } from '../protocol/events.ts';
import { DeliveryQueue } from './delivery-queue.ts';
import { MessageInFlight } from './message-in-flight.ts';
import { NodeDoors } from './node-doors.ts';
import { DEFAULT_QUOTA, SenderQuota, type QuotaLimits } from './sender-quota.ts';

export interface Routing {
  /** Virtual delivery times: none = dropped, two or more = duplicated. */
  readonly deliveries: readonly number[];
  readonly dropReason?: string;
}

/** The network model's decision for one message (shared/net's NetworkModel.route). */
export type Router = (from: string, to: string, now: number) => Routing;

export type InFlight<M extends MessageBase = MessageBase> = MessageInFlight<M>;

export interface BusHooks<M extends MessageBase> {
  now(): number;
  /** Hands messages (in order) to the node; false when the node is down (they are lost). */
  deliver(to: string, messages: readonly M[]): boolean;
  /** After a batch reached a node: the simulator runs the node's loop once (one Ready for the batch). */
  delivered?(to: string): void;
  /** A paused node's messages wait at its door instead of being delivered. */
  isPaused(node: string): boolean;
  emit(event: UnstampedEvent): void;
  /** The earliest pending delivery moved earlier (or hold ended), so a scheduler can wake sooner. */
  wake?(): void;
}

/** Delivered and dropped messages kept for the inspector. */
const HISTORY = 500;

export class Bus<M extends MessageBase = MessageBase> {
  private readonly queue = new DeliveryQueue<InFlight<M>>();
  /** Messages still in the queue, by id; one taken out by hand is skipped when it reaches the top. */
  private readonly live = new Map<number, InFlight<M>>();
  /** Messages that arrived at a paused node's door, in arrival order. */
  private readonly parked = new NodeDoors<InFlight<M>>();
  private readonly history: InFlight<M>[] = [];
  private nextId = 1;
  private holding = false;
  /** Totals for /metrics and the benchmark (`capped`: dropped over a sender's queue cap). */
  readonly counters = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, direct: 0, capped: 0 };
  /** The hard cap on one sender's queued messages (sender-quota.ts). */
  readonly quota: SenderQuota;

  constructor(
    private readonly hooks: BusHooks<M>,
    private router: Router,
    quota: QuotaLimits = DEFAULT_QUOTA,
  ) {
    this.quota = new SenderQuota(quota);
  }

  get held(): boolean {
    return this.holding;
  }

  setRouter(router: Router): void {
    this.router = router;
  }

  send(messages: readonly M[]): void {
    const now = this.hooks.now();
    let wake = false;
    for (const message of messages) {
      this.counters.sent += 1;
      const routing = this.router(message.from, message.to, now);
      if (routing.deliveries.length === 0) {
        // Shown as sent and then dropped, so a person sees the message leave and vanish.
        const item = this.inFlightOf(message, now, now);
        this.hooks.emit({ type: 'message-sent', message: item });
        this.drop(item, routing.dropReason ?? 'lost');
        continue;
      }
      routing.deliveries.forEach((deliverAt, copy) => {
        const item = this.inFlightOf(message, now, deliverAt);
        // Over the cap: counted and said on the sender's card, not shown one by one (a flood of
        // sent-and-dropped events would cost the page what the cap saves the server).
        if (!this.quota.admit(item)) return void (this.counters.capped += 1);
        if (copy > 0) this.counters.duplicated += 1;
        wake = this.enqueue(item) || wake;
      });
    }
    if (this.counters.capped > 0) for (const note of this.quota.notes(now)) this.hooks.emit(note);
    if (wake) this.hooks.wake?.();
  }

  /**
   * Messages a node took from a direct lane (the lab's instant links, server/cluster/lanes.ts):
   * they did not wait here, but they are shown, counted and kept for the inspector like every other.
   */
  record(messages: readonly M[]): void {
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
    const batches = new Map<string, InFlight<M>[]>();
    for (let head = this.head(); head && head.deliverAt <= now; head = this.head()) {
      this.queue.popDue(Infinity);
      this.live.delete(head.id);
      if (this.park(head)) continue;
      const batch = batches.get(head.to);
      if (batch) batch.push(head);
      else batches.set(head.to, [head]);
    }
    for (const [to, batch] of batches) this.deliverBatch(to, batch);
  }

  /** Virtual time of the next delivery (none while held). */
  nextDueAt(): number | undefined {
    return this.holding ? undefined : this.head()?.deliverAt;
  }

  setHeld(held: boolean): void {
    if (held === this.holding) return;
    this.holding = held;
    this.hooks.emit({ type: 'bus-hold', held });
    if (!held) this.hooks.wake?.();
  }

  /** Delivers the next message in delivery order, and only that one. */
  step(): InFlight<M> | undefined {
    const next = this.head();
    if (!next) return undefined;
    this.queue.popDue(Infinity);
    this.live.delete(next.id);
    this.deliver(next);
    return next;
  }

  /** Messages still travelling (in delivery order) or waiting at a paused node's door. */
  inFlight(): InFlight<M>[] {
    const flying = [...this.live.values()].sort((a, b) => a.deliverAt - b.deliverAt || a.id - b.id);
    return [...flying, ...this.parked.all()];
  }

  /** The whole message for the inspector: in flight, parked, or recently delivered or dropped. */
  inspect(id: number): { state: 'in-flight' | 'parked' | 'done'; message: InFlight<M> } | undefined {
    const flying = this.live.get(id);
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
  duplicate(id: number): InFlight<M> | undefined {
    const found = this.inspect(id);
    if (!found || found.state === 'done') return undefined;
    const original = found.message;
    const copy = this.inFlightOf(original.message, this.hooks.now(), original.deliverAt);
    if (!this.quota.admit(copy)) return undefined;
    this.counters.duplicated += 1;
    if (this.enqueue(copy)) this.hooks.wake?.();
    return copy;
  }

  /** A node died or left: what was travelling to it, or waiting at its door, is lost with it. */
  dropTo(node: string, reason: string): void {
    for (const item of [...this.live.values()]) {
      if (item.to !== node) continue;
      this.live.delete(item.id);
      this.drop(item, reason);
    }
    for (const item of this.parked.empty(node)) this.drop(item, reason);
  }

  /** A paused node resumed: everything that waited at its door is delivered now, in order. */
  releaseParked(node: string): void {
    const door = this.parked.empty(node);
    if (door.length > 0) this.deliverBatch(node, door);
  }

  /** The earliest message still in the queue (dropping from the heap those taken out by hand). */
  private head(): InFlight<M> | undefined {
    for (let top = this.queue.peek(); top; top = this.queue.peek()) {
      if (this.live.has(top.item.id)) return top.item;
      this.queue.popDue(Infinity);
    }
    return undefined;
  }

  /** Queues a message; true when it is now the earliest (a scheduler may need to wake sooner). */
  private enqueue(item: InFlight<M>): boolean {
    const head = this.head();
    this.queue.push(item.deliverAt, item);
    this.live.set(item.id, item);
    this.hooks.emit({ type: 'message-sent', message: item });
    return !head || item.deliverAt < head.deliverAt;
  }

  private take(id: number): InFlight<M> | undefined {
    const flying = this.live.get(id);
    if (flying) {
      this.live.delete(id);
      return flying;
    }
    return this.parked.take(id);
  }

  private deliver(item: InFlight<M>): void {
    if (!this.park(item)) this.deliverBatch(item.to, [item]);
  }

  /** A paused node's messages wait at its door; true when `item` was parked. */
  private park(item: InFlight<M>): boolean {
    if (!this.hooks.isPaused(item.to)) return false;
    this.parked.park(item);
    return true;
  }

  private deliverBatch(to: string, items: readonly InFlight<M>[]): void {
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
    if (up) this.hooks.delivered?.(to);
  }

  private drop(item: InFlight<M>, reason: string): void {
    this.remember(item);
    this.counters.dropped += 1;
    this.hooks.emit({ type: 'message-dropped', id: item.id, reason });
  }

  /** Every message leaves the bus through here (delivered or dropped): it no longer counts. */
  private remember(item: InFlight<M>): void {
    this.quota.release(item.id);
    this.history.push(item);
    if (this.history.length > HISTORY * 1.2) this.history.splice(0, this.history.length - HISTORY);
  }

  private inFlightOf(message: M, sentAt: number, deliverAt: number): InFlight<M> {
    return new MessageInFlight<M>(this.nextId++, message, sentAt, deliverAt);
  }
}
