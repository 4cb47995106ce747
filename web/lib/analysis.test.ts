import { describe, expect, it } from 'vitest';
import type { ClusterEvent, NetworkView, NodeView, UnstampedEvent } from '../../shared/protocol/index.ts';
import { emptyNodeView } from '../../shared/protocol/index.ts';
import { historyOf, verdictOf } from './client-history.ts';
import { describeLink, linkState, pairs } from './link-state.ts';
import { incidentsOf, lostWrites, noIncidentsNote } from './incidents.ts';
import { spaceTime } from './space-time.ts';
import { timerRemaining } from './election-arc.ts';
import { feedLines } from './feed.ts';
import { shortcutFor } from './shortcuts.ts';
import { isReply, messageFamily } from './message-kind.ts';
import { startView, stamp, status } from './fixtures.test-helpers.ts';

function op(partial: Partial<Extract<ClusterEvent, { type: 'client-op' }>>): UnstampedEvent {
  return { type: 'client-op', opId: 1, client: 'lab', op: 'put', key: 'k', value: 'a', version: 1, cas: null, consistency: null, node: 'n1', outcome: 'ok', detail: '', start: 0, end: 1, ...partial };
}

describe('client history and linearizability', () => {
  it('accepts a sequential history and flags a stale read after a write', () => {
    const good = stamp([op({ opId: 1, start: 0, end: 10 }), op({ opId: 2, op: 'get', value: 'a', version: 1, start: 20, end: 30, consistency: 'linearizable' })]);
    const verdict = verdictOf(good);
    expect(verdict.kind === 'checked' && verdict.result.ok).toBe(true);
    const bad = stamp([op({ opId: 1, start: 0, end: 10 }), op({ opId: 2, op: 'get', value: null, version: 0, start: 20, end: 30, consistency: 'stale' })]);
    const failing = verdictOf(bad);
    expect(failing.kind === 'checked' && !failing.result.ok).toBe(true);
  });

  it('keeps unknown outcomes open-ended and drops definite failures without an answer', () => {
    const ops = historyOf(stamp([op({ opId: 1, outcome: 'unknown', version: null }), op({ opId: 2, outcome: 'failed', version: null })]));
    expect(ops).toHaveLength(1);
    expect(ops[0]!.return).toBeNull();
    expect(verdictOf([]).kind).toBe('empty');
  });
});

describe('link state', () => {
  const network: NetworkView = {
    version: 1,
    defaults: { latency: 25, jitter: 10, loss: 0, duplicate: 0, reorder: 0, reorderDelay: 0 },
    links: [{ from: 'n1', to: 'n3', settings: { loss: 0.2 } }],
    cuts: [{ from: 'n1', to: 'n2' }],
    partition: [['n4']],
  };
  it('reads cuts, partitions and lossy links', () => {
    expect(describeLink(linkState(network, 'n1', 'n2'))).toBe('cut n1→n2');
    expect(describeLink(linkState(network, 'n2', 'n1'))).toBe('cut n1→n2');
    expect(describeLink(linkState(network, 'n1', 'n4'))).toBe('cut both ways');
    expect(linkState(network, 'n1', 'n3').lossy).toBe(true);
    expect(describeLink(linkState(null, 'n1', 'n3'))).toBe('up');
    expect(pairs(['n1', 'n2', 'n3'])).toHaveLength(3);
  });
});

describe('incidents', () => {
  it('measures time without a leader after a kill and sees no lost writes', () => {
    const events = stamp([
      { type: 'node-added', node: 'n1' },
      status('n1', 'leader', 1),
      { type: 'node-killed', node: 'n1', reason: 'killed' },
      status('n2', 'candidate', 2),
      status('n2', 'leader', 2),
    ]);
    const incidents = incidentsOf(startView(), events);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.label).toBe('n1 killed');
    expect(incidents[0]!.rto).toBe(20);
  });

  it('says which nodes were already down when the page joined, instead of "no failures yet"', () => {
    const start = startView();
    expect(noIncidentsNote(start)).toBe('No failures yet: kill a node or cut a link.');
    start.nodes.push({ ...emptyNodeView('n1'), life: 'dead' }, emptyNodeView('n2'), { ...emptyNodeView('n3'), life: 'failed' });
    expect(noIncidentsNote(start)).toBe('No failures since this page joined; n1, n3 were already down then.');
  });

  it('finds an acknowledged write that a later apply replaced', () => {
    const events = stamp([op({ opId: 1, key: 'k', value: 'a', version: 1, end: 5 }), { type: 'kv-applied', node: 'n2', index: 3, key: 'k', value: 'b', version: 1 }]);
    const head = startView();
    expect(lostWrites(events, head)).toHaveLength(1);
  });
});

describe('space-time', () => {
  it('pairs sends with deliveries and marks elections and crashes', () => {
    const events = stamp([
      { type: 'message-sent', message: { id: 1, from: 'n1', to: 'n2', kind: 'Vote', term: 2, size: 10, sentAt: 10, deliverAt: 40, summary: 'vote' } },
      { type: 'message-delivered', id: 1 },
      status('n1', 'leader', 2),
      { type: 'node-killed', node: 'n3', reason: 'killed' },
    ]);
    const data = spaceTime(events, 0, 100);
    expect(data.messages).toEqual([expect.objectContaining({ id: 1, fate: 'delivered', endAt: 20, family: 'vote' })]);
    expect(data.markers.map((m) => m.kind)).toEqual(['election', 'crash']);
  });
});

describe('small helpers', () => {
  it('drains the election arc between status reports', () => {
    const node: NodeView = { ...emptyNodeView('n2'), life: 'alive', electionElapsed: 5, electionTimeout: 20, statusAt: 1000 };
    expect(timerRemaining(node, 1000, 10)).toBeCloseTo(0.75);
    expect(timerRemaining(node, 1100, 10)).toBeCloseTo(0.25);
    expect(timerRemaining(node, 9000, 10)).toBe(0);
    expect(timerRemaining({ ...node, role: 'leader' }, 1000, 10)).toBeNull();
  });

  it('filters the feed by category and text', () => {
    const events = stamp([{ type: 'node-killed', node: 'n1', reason: 'killed' }, { type: 'node-paused', node: 'n2' }, { type: 'bus-hold', held: true }]);
    expect(feedLines(events, events.length, 'all', '')).toHaveLength(3);
    expect(feedLines(events, events.length, 'network', '')).toHaveLength(1);
    expect(feedLines(events, events.length, 'all', 'n2')[0]!.text).toMatch(/n2 is paused/);
    expect(feedLines(events, 1, 'all', '')).toHaveLength(1);
  });

  it('folds drops in a row for the same reason into one line, and keeps other lines between runs', () => {
    const dropped = (id: number, reason = 'n1 is down'): UnstampedEvent => ({ type: 'message-dropped', id, reason });
    const events = stamp([dropped(4), dropped(5, 'lost on the link'), dropped(6), dropped(7), { type: 'node-paused', node: 'n2' }, dropped(8), dropped(9), dropped(10)]);
    expect(feedLines(events, events.length, 'all', '').map((line) => line.text)).toEqual([
      '3 messages dropped: n1 is down (#8–#10)',
      expect.stringMatching(/n2 is paused/),
      '2 messages dropped: n1 is down (#6–#7)',
      'message #5 dropped: lost on the link',
      'message #4 dropped: n1 is down',
    ]);
  });

  it('says a node leads once per term, not with every status it reports as leader', () => {
    const events = stamp([status('n1', 'leader', 2), status('n2', 'follower', 2), status('n1', 'leader', 2), status('n1', 'leader', 2), status('n1', 'follower', 3), status('n2', 'leader', 3), status('n2', 'leader', 3)]);
    expect(feedLines(events, events.length, 'elections', '').map((line) => line.text)).toEqual(['n2 is leader of term 3', 'n1 is leader of term 2']);
  });

  it('maps keys to shortcuts except while typing', () => {
    const key = (k: string, tagName = 'BODY') => shortcutFor({ key: k, ctrlKey: false, metaKey: false, altKey: false, target: { tagName, getAttribute: () => null } as unknown as EventTarget });
    expect(key(' ')).toBe('pause');
    expect(key('N')).toBe('step');
    expect(key('?')).toBe('help');
    expect(key('n', 'INPUT')).toBeNull();
    expect(key(' ', 'BUTTON')).toBeNull();
    expect(messageFamily('PreVoteResponse')).toBe('prevote');
    expect(messageFamily('TimeoutNow')).toBe('timeout');
    // A node's own port forwarding a client's request to its leader, and the answer coming back.
    expect(['Forward', 'ForwardResponse'].map(messageFamily)).toEqual(['forward', 'forward']);
    expect(isReply({ kind: 'ForwardResponse' })).toBe(true);
    // A foreign node's body.type (Maelstrom's Raft names) lands in the same families.
    expect(['request_vote', 'request_pre_vote', 'append_entries', 'heartbeat', 'install_snapshot', 'gossip'].map(messageFamily)).toEqual(['vote', 'prevote', 'append', 'heartbeat', 'snapshot', 'other']);
    expect(['request_vote_res', 'append_entries_ok', 'AppendResponse', 'append_entries'].map((kind) => isReply({ kind }))).toEqual([true, true, true, false]);
  });
});

describe('election timer resets', () => {
  it('resets when a heartbeat is delivered, and the arc drains from there', async () => {
    const { timerResets } = await import('./election-arc.ts');
    const events = stamp([
      { type: 'message-sent', message: { id: 7, from: 'n1', to: 'n2', kind: 'Heartbeat', term: 1, size: 1, sentAt: 10, deliverAt: 20, summary: '' } },
      { type: 'message-delivered', id: 7 },
    ]);
    const resets = timerResets(events, events.length);
    expect(resets.get('n2')).toBe(20);
    const node: NodeView = { ...emptyNodeView('n2'), life: 'alive', electionElapsed: 19, electionTimeout: 20, statusAt: 0 };
    expect(timerRemaining(node, 70, 10, resets.get('n2')!)).toBeCloseTo(0.75);
  });
});

describe('network changes', () => {
  it('counts a cut once, not again when only loss changes', () => {
    const network = (cuts: { from: string; to: string }[], loss = 0): UnstampedEvent => ({
      type: 'network',
      network: { version: 1, defaults: { latency: 25, jitter: 10, loss, duplicate: 0, reorder: 0, reorderDelay: 0 }, links: [], cuts, partition: null },
    });
    const events = stamp([network([{ from: 'n1', to: 'n2' }]), network([{ from: 'n1', to: 'n2' }], 0.2), network([])]);
    expect(incidentsOf(startView(), events).map((incident) => incident.label)).toEqual(['1 link cut']);
    expect(spaceTime(events, 0, 100).markers.map((marker) => marker.kind)).toEqual(['partition', 'heal']);
  });
});
