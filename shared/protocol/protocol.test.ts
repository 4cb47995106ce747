import { describe, expect, it } from 'vitest';
import { applyEvent, emptyClusterView, emptyNodeView } from './reduce-view.ts';
import { parseClientFrame, parseServerFrame } from './frames.ts';
import type { ClusterEvent } from './events.ts';
import { VIEW_LOG_TAIL, type ClusterView } from './views.ts';

function view(): ClusterView {
  return { ...emptyClusterView('default', 'teaching', 10), nodes: [emptyNodeView('n1'), emptyNodeView('n2')] };
}

const entry = (index: number, term: number) => ({ index, term, type: 'normal' as const, summary: `put k${index}` });

describe('client frames', () => {
  it('accepts a valid command', () => {
    const parsed = parseClientFrame(JSON.stringify({ type: 'command', id: 1, command: { type: 'kill', node: 'n2' } }));
    expect(parsed).toEqual({ ok: true, value: { type: 'command', id: 1, command: { type: 'kill', node: 'n2' } } });
  });

  it('refuses malformed frames with a reason, never throwing', () => {
    const bad = [
      'not json',
      '{}',
      JSON.stringify({ type: 'command', id: 1, command: { type: 'kill', node: '../etc' } }),
      JSON.stringify({ type: 'command', id: -1, command: { type: 'kill', node: 'n1' } }),
      JSON.stringify({ type: 'command', id: 1, command: { type: 'put', key: '', value: 'x' } }),
      JSON.stringify({ type: 'command', id: 1, command: { type: 'put', key: 'a/../b', value: 'x' } }),
      JSON.stringify({ type: 'command', id: 1, command: { type: 'clock', speed: 1000 } }),
      JSON.stringify({ type: 'command', id: 1, command: { type: 'launch-missiles' } }),
    ];
    for (const text of bad) {
      const parsed = parseClientFrame(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.error.length).toBeGreaterThan(0);
    }
  });

  it('validates server frames too (the page never trusts the wire)', () => {
    expect(parseServerFrame(JSON.stringify({ type: 'events', events: [{ type: 'node-killed' }], clock: { now: 0, speed: 1, paused: false } })).ok).toBe(false);
  });
});

describe('applyEvent', () => {
  it('replaces a conflicting log suffix and records truncation', () => {
    const v = view();
    const events: ClusterEvent[] = [
      { seq: 1, time: 1, type: 'log-appended', node: 'n1', entries: [entry(1, 1), entry(2, 1), entry(3, 1)] },
      { seq: 2, time: 2, type: 'log-appended', node: 'n1', entries: [entry(2, 2)] },
    ];
    for (const event of events) applyEvent(v, event);
    expect(v.nodes[0]!.log.map((e) => `${e.index}/${e.term}`)).toEqual(['1/1', '2/2']);
    expect(v.nodes[0]!.lastIndex).toBe(2);
    applyEvent(v, { seq: 3, time: 3, type: 'log-truncated', node: 'n1', fromIndex: 2 });
    expect(v.nodes[0]!.log.map((e) => e.index)).toEqual([1]);
    expect(v.seq).toBe(3);
  });

  it('keeps only the last VIEW_LOG_TAIL entries of a long log, in order, through appends and conflicts', () => {
    const v = view();
    const upTo = (from: number, to: number, term: number) => Array.from({ length: to - from + 1 }, (_, i) => entry(from + i, term));
    applyEvent(v, { seq: 1, time: 1, type: 'log-appended', node: 'n1', entries: upTo(1, VIEW_LOG_TAIL + 30, 1) });
    applyEvent(v, { seq: 2, time: 2, type: 'log-appended', node: 'n1', entries: upTo(VIEW_LOG_TAIL + 31, VIEW_LOG_TAIL + 40, 1) });
    applyEvent(v, { seq: 3, time: 3, type: 'log-appended', node: 'n1', entries: upTo(VIEW_LOG_TAIL + 35, VIEW_LOG_TAIL + 36, 2) });
    const log = v.nodes[0]!.log;
    expect(log.length).toBe(VIEW_LOG_TAIL - 4); // the conflict cut 6 entries and brought 2
    expect(log.at(-1)).toMatchObject({ index: VIEW_LOG_TAIL + 36, term: 2 });
    expect(log.at(-3)).toMatchObject({ index: VIEW_LOG_TAIL + 34, term: 1 });
    expect(log.every((e, i) => i === 0 || e.index === log[i - 1]!.index + 1)).toBe(true);
    applyEvent(v, { seq: 4, time: 4, type: 'log-appended', node: 'n1', entries: upTo(1, VIEW_LOG_TAIL * 2, 3) });
    expect(v.nodes[0]!.log.map((e) => e.index)).toEqual(upTo(VIEW_LOG_TAIL + 1, VIEW_LOG_TAIL * 2, 3).map((e) => e.index));
  });

  it('tracks messages in flight until delivered or dropped', () => {
    const v = view();
    const message = { id: 7, from: 'n1', to: 'n2', kind: 'App', term: 1, size: 10, sentAt: 0, deliverAt: 5, summary: 'x' };
    applyEvent(v, { seq: 1, time: 0, type: 'message-sent', message });
    applyEvent(v, { seq: 2, time: 0, type: 'message-sent', message: { ...message, id: 8 } });
    applyEvent(v, { seq: 3, time: 5, type: 'message-delivered', id: 7 });
    applyEvent(v, { seq: 4, time: 5, type: 'message-dropped', id: 8, reason: 'cut' });
    expect(v.inFlight).toEqual([]);
  });

  it('forgets volatile state when a node dies and recovers from disk', () => {
    const v = view();
    applyEvent(v, { seq: 1, time: 0, type: 'node-status', node: 'n1', status: { ...emptyNodeView('n1'), role: 'leader', term: 3, vote: 'n1', leader: 'n1', commit: 4, applied: 4, lastIndex: 4 } });
    applyEvent(v, { seq: 2, time: 0, type: 'kv-applied', node: 'n1', index: 4, key: 'a', value: 'b', version: 1 });
    applyEvent(v, { seq: 3, time: 1, type: 'node-killed', node: 'n1', reason: 'killed' });
    expect(v.nodes[0]!.life).toBe('dead');
    expect(v.nodes[0]!.role).toBe('follower');
    applyEvent(v, { seq: 4, time: 2, type: 'node-recovered', node: 'n1', log: [entry(1, 1)], term: 3, vote: 'n1', tornTail: null, snapshotIndex: 0 });
    expect(v.nodes[0]).toMatchObject({ life: 'alive', term: 3, commit: 0, applied: 0, kv: {}, lastIndex: 1 });
  });
});
