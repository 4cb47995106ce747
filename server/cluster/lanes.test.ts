// Direct lanes between node workers: used for instant links and recorded by the bus like every
// other message; closed at once by anything that should make the bus decide (a cut, hold, a
// paused node or clock, a link with latency).
import { afterEach, describe, expect, it } from 'vitest';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Lanes, type LaneEnd } from './lanes.ts';
import { leaderOf, startTempCluster, type TempCluster } from '../testing/temp-cluster.ts';
import type { ClusterEvent } from '../../shared/protocol/events.ts';
import type { ClusterView } from '../../shared/protocol/views.ts';
import type { Cluster } from './cluster.ts';
import type { DiskInfo } from './storage/types.ts';

class FakeEnd implements LaneEnd {
  readonly ports = new Map<string, MessagePort>();
  readonly told: string[] = [];
  constructor(readonly id: string) {}
  attach(peer: string, port: MessagePort): void {
    this.ports.set(peer, port);
  }
  detach(peer: string): void {
    this.ports.get(peer)?.close();
    this.ports.delete(peer);
  }
  open(sendTo: readonly string[], receiveFrom: readonly string[]): void {
    this.told.push(`${sendTo.join(',')}|${receiveFrom.join(',')}`);
  }
}

describe('Lanes (the switchboard)', () => {
  it('gives every pair of running nodes a channel and tells each node only what changed', async () => {
    let cut = false;
    const lanes = new Lanes((from, to) => !(cut && from === 'n1' && to === 'n2'));
    const [a, b, c] = [new FakeEnd('n1'), new FakeEnd('n2'), new FakeEnd('n3')];
    lanes.started(a);
    lanes.started(b);
    lanes.started(c);
    expect([...a.ports.keys()].sort()).toEqual(['n2', 'n3']);
    expect(a.told.at(-1)).toBe('n2,n3|n2,n3');
    // The two ends of a lane are one channel: what n1 posts, n2 receives.
    const got = new Promise((resolve) => b.ports.get('n1')!.once('message', resolve));
    a.ports.get('n2')!.postMessage({ hello: 1 });
    expect(await got).toEqual({ hello: 1 });

    const before = c.told.length;
    cut = true;
    lanes.refresh();
    expect(a.told.at(-1)).toBe('n3|n2,n3');
    expect(b.told.at(-1)).toBe('n1,n3|n3');
    expect(c.told.length).toBe(before); // nothing changed for n3

    lanes.stopped('n3');
    expect(a.ports.has('n3')).toBe(false);
    expect(a.told.at(-1)).toBe('|n2');
    for (const end of [a, b]) for (const port of end.ports.values()) port.close();
  });
});

let lab: TempCluster | null = null;
afterEach(async () => {
  await lab?.dispose();
  lab = null;
});

function formed(view: ClusterView): string | null {
  const leaderId = leaderOf(view);
  const leader = view.nodes.find((node) => node.id === leaderId);
  if (!leader || leader.config.voters.length !== 3) return null;
  return view.nodes.every((node) => node.life === 'alive' && node.applied >= leader.commit) ? leader.id : null;
}

function record(lab: TempCluster): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  lab.cluster.events.subscribe((event) => events.push(event));
  return events;
}

/**
 * A round trip to a node's worker, the barrier these tests wait on instead of sleeping. The answer
 * leaves the worker after every report it made before (report-batcher.ts sends held reports ahead
 * of an answer) and the main thread takes them in order, so once this resolves the worker has acted
 * on everything posted to it earlier (a change of lanes) and the bus has recorded every message it
 * took from a lane until then. Returns the last log index on the node's disk.
 */
async function roundTrip(cluster: Cluster, node: string): Promise<number> {
  const answer = await cluster.execute({ type: 'disk', node });
  if (!answer.ok) throw new Error(`${node} did not answer: ${answer.error}`);
  return (answer.result?.['disk'] as DiskInfo).log.lastIndex;
}

const roundTripAll = (cluster: Cluster): Promise<number[]> => Promise.all(cluster.nodeIds().map((node) => roundTrip(cluster, node)));

/** Resolves once `count` events matching `match` have happened after this call. */
function nextEvents(cluster: Cluster, what: string, count: number, match: (event: ClusterEvent) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after 20 s waiting for ${what} (saw ${seen} of ${count})`));
    }, 20_000);
    const off = cluster.events.subscribe((event) => {
      if (!match(event) || ++seen < count) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

const lastIndexOf = (view: ClusterView, node: string): number => view.nodes.find((n) => n.id === node)!.lastIndex;

const sentOf = (events: readonly ClusterEvent[]) => events.flatMap((e) => (e.type === 'message-sent' ? [e.message] : []));

describe('direct lanes on real workers', () => {
  it('carry instant links in the production profile, and the bus still shows every message', async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    await lab.until('a formed cluster', formed);
    const events = record(lab);
    const direct = cluster.bus.counters.direct;
    for (let i = 0; i < 10; i++) expect(await cluster.execute({ type: 'put', key: `k${i}`, value: `${i}` })).toMatchObject({ ok: true });
    // Whatever the followers took from their lanes for these writes is recorded by now.
    await roundTripAll(cluster);
    // Each write: an Append to each follower and an answer from each.
    expect(cluster.bus.counters.direct - direct).toBeGreaterThanOrEqual(40);
    const delivered = new Set(events.flatMap((e) => (e.type === 'message-delivered' ? [e.id] : [])));
    const appends = sentOf(events).filter((m) => m.kind === 'Append' && m.entries && m.entries > 0);
    expect(appends.length).toBeGreaterThanOrEqual(20);
    for (const message of appends) {
      expect(delivered.has(message.id)).toBe(true);
      expect(message.deliverAt).toBe(message.sentAt);
    }
    // The inspector finds a lane message like any other.
    const inspected = await cluster.execute({ type: 'inspect-message', id: appends[0]!.id });
    expect(inspected).toMatchObject({ ok: true, result: { state: 'done', message: { type: 'Append' } } });
  });

  it('close when a link is cut: nothing reaches the follower until the link heals', async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    const leader = await lab.until('a formed cluster', formed);
    const follower = cluster.nodeIds().find((id) => id !== leader)!;
    await cluster.execute({ type: 'cut-link', from: leader, to: follower, direction: 'one-way' });
    // Both ends have heard of the cut, and what the follower took from its lane before is recorded.
    await roundTrip(cluster, leader);
    const stuckAt = await roundTrip(cluster, follower);
    const events = record(lab);
    for (let i = 0; i < 5; i++) expect(await cluster.execute({ type: 'put', key: `cut${i}`, value: `${i}` })).toMatchObject({ ok: true });
    // The leader goes on talking to the follower (heartbeats, retries): three of those dropped after
    // the writes show time passed in which they could have arrived.
    const toFollower = (id: number): boolean => sentOf(events).some((m) => m.id === id && m.from === leader && m.to === follower);
    await nextEvents(cluster, 'three more messages to the cut-off follower dropped', 3, (e) => e.type === 'message-dropped' && toFollower(e.id));
    expect(await roundTrip(cluster, follower)).toBe(stuckAt);
    expect(lastIndexOf(cluster.view, follower)).toBe(stuckAt);
    const sent = sentOf(events).filter((m) => m.from === leader && m.to === follower);
    const dropped = new Set(events.flatMap((e) => (e.type === 'message-dropped' ? [e.id] : [])));
    expect(sent.length).toBeGreaterThan(0);
    for (const message of sent) expect(dropped.has(message.id), message.summary).toBe(true);

    await cluster.execute({ type: 'heal-network' });
    await lab.until('the follower caught up', (view) => lastIndexOf(view, follower) >= lastIndexOf(view, leader));
  });

  it('close in hold mode: Appends wait on the bus, and the write commits once released', async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    const leader = await lab.until('a formed cluster', formed);
    await cluster.execute({ type: 'hold', held: true });
    // Every node has heard of the hold, and what it took from a lane before is recorded.
    await roundTripAll(cluster);
    const direct = cluster.bus.counters.direct;
    let done = false;
    const write = cluster.execute({ type: 'put', key: 'held', value: 'x' }).then((result) => ((done = true), result));
    await lab.until('an Append waiting on the bus', () => cluster.bus.inFlight().some((m) => m.from === leader && m.kind === 'Append' && (m.entries ?? 0) > 0));
    // The leader goes on sending into the held bus: four more messages show time passed in which
    // the write could have committed, had anything been delivered.
    await nextEvents(cluster, 'four more messages from the leader held', 4, (e) => e.type === 'message-sent' && e.message.from === leader);
    await roundTripAll(cluster);
    expect(done).toBe(false);
    expect(cluster.bus.counters.direct).toBe(direct);
    await cluster.execute({ type: 'hold', held: false });
    expect(await write).toMatchObject({ ok: true });
  });

  it('close to a paused node: it receives nothing, then catches up on resume', async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    const leader = await lab.until('a formed cluster', formed);
    const follower = cluster.nodeIds().find((id) => id !== leader)!;
    await cluster.execute({ type: 'pause-node', node: follower });
    // The leader has heard its lane to the follower closed: what it sends from now on goes to the bus.
    // (A paused node answers no round trip; it may still take, and later report, what was on its lane
    // already: heartbeats, and at most the leader's log as it is now.)
    const leaderLast = await roundTrip(cluster, leader);
    const events = record(lab);
    for (let i = 0; i < 5; i++) expect(await cluster.execute({ type: 'put', key: `p${i}`, value: `${i}` })).toMatchObject({ ok: true });
    // The leader goes on sending to the follower: three messages waiting at its door, sent after the
    // writes, show time passed in which they could have been delivered.
    const afterWrites = cluster.clock.now();
    await lab.until('three later messages waiting at the paused door', () => cluster.bus.inFlight().filter((m) => m.to === follower && m.sentAt >= afterWrites).length >= 3);
    const stuck = cluster.view.nodes.find((n) => n.id === follower)!;
    expect(stuck.lastIndex).toBeLessThanOrEqual(leaderLast);
    expect(Object.keys(stuck.kv).filter((key) => key.startsWith('p'))).toEqual([]);
    // Every Append carrying the writes is still waiting at its door, none was delivered.
    const waiting = new Set(cluster.bus.inFlight().map((m) => m.id));
    const appends = sentOf(events).filter((m) => m.to === follower && m.kind === 'Append' && (m.entries ?? 0) > 0);
    expect(appends.length).toBeGreaterThan(0);
    for (const message of appends) expect(waiting.has(message.id), message.summary).toBe(true);
    await cluster.execute({ type: 'resume-node', node: follower });
    await lab.until('the paused follower caught up', (view) => lastIndexOf(view, follower) >= lastIndexOf(view, leader));
  });

  it('close while time is slowed down (tours act between two messages), and reopen at full speed', async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    await lab.until('a formed cluster', formed);
    await cluster.execute({ type: 'clock', speed: 0.5 });
    // Every node has heard of the change, and what it took from a lane before is recorded.
    await roundTripAll(cluster);
    const direct = cluster.bus.counters.direct;
    expect(await cluster.execute({ type: 'put', key: 'slowed', value: 'x' })).toMatchObject({ ok: true });
    await roundTripAll(cluster);
    expect(cluster.bus.counters.direct).toBe(direct);
    await cluster.execute({ type: 'clock', speed: 1 });
    expect(await cluster.execute({ type: 'put', key: 'full', value: 'x' })).toMatchObject({ ok: true });
    await roundTripAll(cluster);
    expect(cluster.bus.counters.direct).toBeGreaterThan(direct);
  });

  it('are never used where links have latency (the teaching profile)', async () => {
    lab = startTempCluster({ nodes: 3, profile: 'teaching', speed: 1 });
    const { cluster } = lab;
    await lab.until('a formed cluster', formed);
    expect(await cluster.execute({ type: 'put', key: 'slow', value: 'x' })).toMatchObject({ ok: true });
    await roundTripAll(cluster);
    expect(cluster.bus.counters.direct).toBe(0);
    expect(cluster.bus.counters.delivered).toBeGreaterThan(0);
  });
});
