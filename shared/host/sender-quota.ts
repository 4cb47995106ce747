// How much of one sender's traffic the bus may hold at once (travelling or waiting at a paused
// node's door). A rate limit is not enough: with the bus on hold, or a 2 s latency, a node well
// within its rate still piles messages up without bound, and a person holding the bus for minutes
// must not run the server out of memory. What is over the cap is dropped and counted, and the
// sender's card says so (a node-note, as the flood gate's drops are), at most about once a second
// of virtual time or each time the count doubles (the clock may be paused while a process floods).
import type { UnstampedEvent } from '../protocol/events.ts';

export interface QuotaLimits {
  /** Messages of one sender queued at once. */
  readonly messages: number;
  /** Their bytes (a sender with nothing queued may always send one, however large). */
  readonly bytes: number;
}

/** Far above what a correct node keeps in flight (our leader, 8 followers, a 2 s latency: a few
 *  hundred), far below what hurts the server (each queued message is also in the page's view). */
export const DEFAULT_QUOTA: QuotaLimits = { messages: 2_000, bytes: 16 << 20 };

interface Queued {
  readonly id: number;
  readonly from: string;
  readonly size: number;
}

interface SenderLoad {
  messages: number;
  bytes: number;
  /** Dropped over the cap since the bus began, and when the card was last told. */
  dropped: number;
  toldDropped: number;
  toldAt: number;
}

export class SenderQuota {
  private readonly senders = new Map<string, SenderLoad>();
  /** Ids counted (a message leaves once, whichever way: delivered, dropped, lost with its node). */
  private readonly counted = new Map<number, Queued>();

  constructor(readonly limits: QuotaLimits = DEFAULT_QUOTA) {}

  /** How many of `from`'s messages are queued now. */
  queued(from: string): number {
    return this.senders.get(from)?.messages ?? 0;
  }

  /** Dropped over the cap since the bus began (all senders). */
  get dropped(): number {
    let total = 0;
    for (const load of this.senders.values()) total += load.dropped;
    return total;
  }

  /** Counts `item` in when it fits; false (and counted as dropped) when it is over the cap. */
  admit(item: Queued): boolean {
    const load = this.loadOf(item.from);
    const fits = load.messages === 0 || (load.messages < this.limits.messages && load.bytes + item.size <= this.limits.bytes);
    if (!fits) {
      load.dropped += 1;
      return false;
    }
    load.messages += 1;
    load.bytes += item.size;
    this.counted.set(item.id, item);
    return true;
  }

  /** `id` left the bus (a no-op for one never counted in). */
  release(id: number): void {
    const item = this.counted.get(id);
    if (!item) return;
    this.counted.delete(id);
    const load = this.loadOf(item.from);
    load.messages -= 1;
    load.bytes -= item.size;
  }

  /** The cards to update after a send: senders whose drops grew enough to be worth saying. */
  notes(now: number): UnstampedEvent[] {
    const notes: UnstampedEvent[] = [];
    for (const [node, load] of this.senders) {
      if (load.dropped === load.toldDropped) continue;
      if (load.toldDropped > 0 && now - load.toldAt < 1000 && load.dropped < 2 * load.toldDropped) continue;
      load.toldDropped = load.dropped;
      load.toldAt = now;
      notes.push({
        type: 'node-note',
        node,
        note: `${node} reached its cap of messages queued on the bus (${this.limits.messages} or ${this.limits.bytes >> 20} MiB at once: the bus is held or its links are slow): ${load.dropped} of its messages were dropped`,
      });
    }
    return notes;
  }

  private loadOf(from: string): SenderLoad {
    let load = this.senders.get(from);
    if (!load) {
      load = { messages: 0, bytes: 0, dropped: 0, toldDropped: 0, toldAt: 0 };
      this.senders.set(from, load);
    }
    return load;
  }
}
