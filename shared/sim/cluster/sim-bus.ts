// The simulated bus: every node-to-node message becomes data (id, from, to, kind, term, size,
// sentAt, deliverAt) in a queue ordered by virtual delivery time, with the same events as the real
// bus (server/cluster/bus.ts): message-sent, then message-delivered or message-dropped. The network
// model decides when, whether and how many times a message arrives; hold mode, single steps,
// paused receivers and the inspector's drop / deliver-now / duplicate act on the queue.
import type { Message } from '../../raft/index.ts';
import type { NetworkModel } from '../../net/index.ts';
import type { UnstampedEvent } from '../../protocol/events.ts';
import { MessageInFlight } from '../../host/message-in-flight.ts';
import { NodeDoors } from '../../host/node-doors.ts';
import { DeliveryQueue } from '../queue.ts';

export interface SimBusHooks {
  now(): number;
  /** Steps the messages into the node (without flushing it); false when the node is down. */
  deliver(to: string, messages: readonly Message[]): boolean;
  /** Runs the node's host loop once after a batch (one Ready for everything delivered). */
  flush(to: string): void;
  isPaused(node: string): boolean;
  emit(event: UnstampedEvent): void;
}

type InFlight = MessageInFlight;

export class SimBus {
  private readonly queue = new DeliveryQueue<InFlight>();
  /** Ids still in the queue; an id removed by hand (drop, deliver now, node down) is skipped lazily. */
  private readonly live = new Map<number, InFlight>();
  private readonly parked = new NodeDoors<InFlight>();
  private nextId = 1;
  private holding = false;
  readonly counters = { sent: 0, delivered: 0, dropped: 0 };

  constructor(
    private readonly hooks: SimBusHooks,
    private readonly network: NetworkModel,
  ) {}

  get held(): boolean {
    return this.holding;
  }

  send(messages: readonly Message[]): void {
    const now = this.hooks.now();
    for (const message of messages) {
      this.counters.sent += 1;
      const route = this.network.route(message.from, message.to, now);
      if (route.deliveries.length === 0) {
        // Shown as sent and then dropped, so a person sees the message leave and vanish.
        const item = new MessageInFlight(this.nextId++, message, now, now);
        this.hooks.emit({ type: 'message-sent', message: item });
        this.drop(item, route.dropReason ?? 'lost');
        continue;
      }
      for (const at of route.deliveries) this.enqueue(new MessageInFlight(this.nextId++, message, now, at));
    }
  }

  /** Virtual time of the next delivery (none while held). */
  nextDueAt(): number | undefined {
    if (this.holding) return undefined;
    return this.head()?.deliverAt;
  }

  /** Delivers every message due by `now` in delivery order, one batch (and one flush) per node. */
  deliverDue(now: number): void {
    if (this.holding) return;
    const batches = new Map<string, InFlight[]>();
    for (let head = this.head(); head && head.deliverAt <= now; head = this.head()) {
      this.queue.popDue(now);
      this.live.delete(head.id);
      if (this.park(head)) continue;
      const batch = batches.get(head.to);
      if (batch) batch.push(head);
      else batches.set(head.to, [head]);
    }
    for (const [to, batch] of batches) this.deliverBatch(to, batch);
  }

  setHeld(held: boolean): void {
    if (held === this.holding) return;
    this.holding = held;
    this.hooks.emit({ type: 'bus-hold', held });
  }

  /** Delivers the next message in delivery order, and only that one. */
  step(): InFlight | undefined {
    const next = this.head();
    if (!next) return undefined;
    this.queue.popDue(Infinity);
    this.live.delete(next.id);
    if (!this.park(next)) this.deliverBatch(next.to, [next]);
    return next;
  }

  /** Where a message is: travelling, or waiting at a paused node's door (delivered ones are gone). */
  inspect(id: number): { state: 'in-flight' | 'parked'; message: InFlight } | undefined {
    const flying = this.live.get(id);
    if (flying) return { state: 'in-flight', message: flying };
    const waiting = this.parked.find(id);
    return waiting ? { state: 'parked', message: waiting } : undefined;
  }

  dropById(id: number, reason: string): boolean {
    const item = this.take(id);
    if (item) this.drop(item, reason);
    return item !== undefined;
  }

  deliverNow(id: number): boolean {
    const item = this.take(id);
    if (item && !this.park(item)) this.deliverBatch(item.to, [item]);
    return item !== undefined;
  }

  duplicate(id: number): InFlight | undefined {
    const original = this.inspect(id)?.message;
    if (!original) return undefined;
    const copy = new MessageInFlight(this.nextId++, original.message, this.hooks.now(), original.deliverAt);
    this.enqueue(copy);
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

  private head(): InFlight | undefined {
    for (let top = this.queue.peek(); top; top = this.queue.peek()) {
      if (this.live.has(top.item.id)) return top.item;
      this.queue.popDue(Infinity); // removed by hand earlier
    }
    return undefined;
  }

  private take(id: number): InFlight | undefined {
    const flying = this.live.get(id);
    if (flying) {
      this.live.delete(id);
      return flying;
    }
    return this.parked.take(id);
  }

  private enqueue(item: InFlight): void {
    this.queue.push(item.deliverAt, item);
    this.live.set(item.id, item);
    this.hooks.emit({ type: 'message-sent', message: item });
  }

  private park(item: InFlight): boolean {
    if (!this.hooks.isPaused(item.to)) return false;
    this.parked.park(item);
    return true;
  }

  private deliverBatch(to: string, items: readonly InFlight[]): void {
    const up = this.hooks.deliver(to, items.map((item) => item.message));
    for (const item of items) {
      if (up) this.counters.delivered += 1;
      else this.counters.dropped += 1;
      this.hooks.emit(up ? { type: 'message-delivered', id: item.id } : { type: 'message-dropped', id: item.id, reason: `${to} is down` });
    }
    if (up) this.hooks.flush(to);
  }

  private drop(item: InFlight, reason: string): void {
    this.counters.dropped += 1;
    this.hooks.emit({ type: 'message-dropped', id: item.id, reason });
  }
}
