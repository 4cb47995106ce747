// The bus's hard cap on one sender's queued messages: with the bus held, a sender's messages stop
// piling up at the cap, what is over it is counted and said on the sender's card, and every way a
// message leaves the bus (delivered, dropped by hand, lost with its node, waiting at a paused
// door and then released) gives its place back.
import { describe, expect, it } from 'vitest';
import type { MessageBase } from '../raft/types.ts';
import type { UnstampedEvent } from '../protocol/events.ts';
import { Bus } from './bus.ts';

const message = (from: string, to: string): MessageBase => ({ type: 'ping', from, to, term: 1 });

function heldBus(limits = { messages: 5, bytes: 1 << 20 }) {
  const events: UnstampedEvent[] = [];
  const delivered: string[] = [];
  const paused = new Set<string>();
  let now = 0;
  const bus = new Bus(
    { now: () => now, deliver: (to, messages) => (delivered.push(...messages.map((m) => `${m.from}→${to}`)), true), isPaused: (node) => paused.has(node), emit: (event) => void events.push(event) },
    () => ({ deliveries: [now + 10] }),
    limits,
  );
  bus.setHeld(true);
  return { bus, events, delivered, paused, advance: (ms: number) => (now += ms) };
}

const queuedFrom = (bus: Bus, from: string): number => bus.inFlight().filter((item) => item.from === from).length;
const notes = (events: readonly UnstampedEvent[]): string[] => events.flatMap((event) => (event.type === 'node-note' ? [event.note] : []));

describe('the bus caps what one sender may have queued', () => {
  it('holds at most the cap, counts the rest, and says so on the card', () => {
    const { bus, events } = heldBus();
    for (let i = 0; i < 12; i++) bus.send([message('n1', 'n2')]);
    bus.send([message('n2', 'n1')]);
    expect(queuedFrom(bus, 'n1')).toBe(5);
    expect(queuedFrom(bus, 'n2')).toBe(1);
    expect(bus.counters.capped).toBe(7);
    expect(bus.quota.dropped).toBe(7);
    // Only admitted messages are shown as sent.
    expect(events.filter((event) => event.type === 'message-sent')).toHaveLength(6);
    const said = notes(events);
    expect(said.length).toBeGreaterThan(0);
    expect(said.at(-1)).toMatch(/^n1 reached its cap of messages queued on the bus \(5 or 1 MiB at once.*\): \d+ of its messages were dropped$/);
    // The card is told as the count doubles, not once per message.
    expect(said.length).toBeLessThan(7);
  });

  it('gives the place back however a message leaves', () => {
    const { bus, paused, delivered, advance } = heldBus();
    for (let i = 0; i < 5; i++) bus.send([message('n1', 'n2')]);
    const [first, second] = bus.inFlight();
    expect(bus.dropById(first!.id, 'by hand')).toBe(true);
    expect(bus.deliverNow(second!.id)).toBe(true);
    expect(bus.quota.queued('n1')).toBe(3);
    bus.send([message('n1', 'n2'), message('n1', 'n2'), message('n1', 'n2')]);
    expect(bus.quota.queued('n1')).toBe(5);
    expect(bus.counters.capped).toBe(1);
    // Released to a paused node: they wait at its door and still count, until it resumes.
    paused.add('n2');
    bus.setHeld(false);
    advance(20);
    bus.deliverDue(20);
    expect(bus.quota.queued('n1')).toBe(5);
    paused.delete('n2');
    bus.releaseParked('n2');
    expect(bus.quota.queued('n1')).toBe(0);
    expect(delivered).toHaveLength(6);
    bus.setHeld(true);
    bus.send([message('n1', 'n3'), message('n1', 'n3')]);
    bus.dropTo('n3', 'n3 is down');
    expect(bus.quota.queued('n1')).toBe(0);
  });

  it('caps bytes too, but always lets a sender with nothing queued send one', () => {
    const { bus } = heldBus({ messages: 100, bytes: 1 });
    bus.send([message('n1', 'n2'), message('n1', 'n2')]);
    expect(queuedFrom(bus, 'n1')).toBe(1);
    expect(bus.counters.capped).toBe(1);
  });
});
