// The event log hands every listener every event in sequence order, also when a listener answers
// an event with one of its own (the challenge row): the answer waits until the cause has reached
// every listener, so a later subscriber (a page's stream) never sees an effect before its cause.
import { describe, expect, it } from 'vitest';
import { emptyClusterView } from '../protocol/reduce-view.ts';
import { EventLog } from './event-log.ts';

describe('EventLog', () => {
  it('emitAfter from a listener lands after the cause has reached every listener, in seq order', () => {
    const log = new EventLog(emptyClusterView('c', 'production', 10), () => 0);
    log.subscribe((event) => {
      if (event.type === 'node-added') log.emitAfter({ type: 'node-starting', node: event.node });
    });
    const seen: string[] = [];
    log.subscribe((event) => seen.push(`${event.seq} ${event.type}`));
    log.emit({ type: 'node-added', node: 'n1' });
    expect(seen).toEqual(['1 node-added', '2 node-starting']);
    expect(log.history.map((event) => event.type)).toEqual(['node-added', 'node-starting']);
  });

  it('emitAfter outside any listener emits at once', () => {
    const log = new EventLog(emptyClusterView('c', 'production', 10), () => 0);
    log.emitAfter({ type: 'node-added', node: 'n1' });
    expect(log.history).toHaveLength(1);
  });
});
