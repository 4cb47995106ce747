// The skeleton's runtime with real worker threads and real files.
import { afterEach, describe, expect, it } from 'vitest';
import { ATTEMPTS } from '../../shared/host/until-definite.ts';
import { formedLeader, leaderOf, startTempCluster, type TempCluster } from '../testing/temp-cluster.ts';
import type { Cluster } from './cluster.ts';
import type { ClusterEvent } from '../../shared/protocol/events.ts';

let lab: TempCluster | null = null;
let metronome: TempCluster | null = null;
afterEach(async () => {
  await Promise.all([lab?.dispose(), metronome?.dispose()]);
  lab = metronome = null;
});

/** Resolves once `count` events of `cluster` matching `match` have happened after this call. */
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

describe('a real cluster', () => {
  it('elects a leader, commits a write on every node, and survives the leader being killed', async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    const first = await lab.until('a leader', leaderOf);

    const written = await cluster.execute({ type: 'put', key: 'color', value: 'blue' });
    expect(written.ok).toBe(true);
    await lab.until('color on every node', (view) => view.nodes.every((node) => node.kv['color']?.value === 'blue'));

    await cluster.execute({ type: 'kill', node: first });
    const second = await lab.until('a new leader', (view) => {
      const leader = leaderOf(view);
      return leader !== first ? leader : null;
    });
    expect(second).not.toBe(first);
    const again = await cluster.execute({ type: 'put', key: 'color', value: 'green' });
    expect(again).toMatchObject({ ok: true, result: { version: 2 } });

    // The killed node recovers from its disk alone and is caught up.
    cluster.restart(first);
    await lab.until(`${first} caught up`, (view) => view.nodes.find((node) => node.id === first)?.kv['color']?.value === 'green');
  });

  it('refuses writes without a quorum with a definite error, within the client\'s attempts', async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    // Formed: until the joins commit, the first node is the only voter, and a quorum by itself.
    const leader = await lab.until('a formed cluster', formedLeader);
    const followers = cluster.nodeIds().filter((id) => id !== leader);
    for (const id of followers) await cluster.execute({ type: 'kill', node: id });
    // The bound is kept in the lab's own time, not the wall clock's: the lone node's election
    // rounds while the client waits (one PreVote or Vote to each dead peer per round).
    let rounds = 0;
    const off = cluster.events.subscribe((event) => {
      if (event.type === 'message-sent' && event.message.from === leader && event.message.to === followers[0] && /^(Pre)?Vote$/.test(event.message.kind)) rounds++;
    });
    const result = await cluster.execute({ type: 'put', key: 'k', value: 'v' });
    off();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(['timeout', 'no-leader']).toContain(result.code);
    // It gave up only after the lone node had tried to win an election (README: two election
    // rounds without a leader)...
    expect(rounds).toBeGreaterThanOrEqual(2);
    // ...and within its budget (README, Limits): ATTEMPTS attempts of attemptTimeoutMs each, in
    // which a round, at least one election timeout long, fits this many times at most.
    const { electionTicks, tickMs } = cluster.profile;
    expect(rounds).toBeLessThanOrEqual(Math.ceil((ATTEMPTS * cluster.attemptTimeoutMs() * cluster.clock.speed) / (electionTicks * tickMs)));
  });

  it('pausing the clock freezes the cluster: no event until resume', async () => {
    lab = startTempCluster({ nodes: 3 });
    // A second, running cluster keeps time for the paused one: its heartbeats prove real time passed.
    metronome = startTempCluster({ nodes: 2 });
    const { cluster } = lab;
    await lab.until('all three nodes joined', (view) => {
      const leader = view.nodes.find((node) => node.id === leaderOf(view));
      return leader && leader.config.voters.length === 3 && view.nodes.every((node) => node.commit === leader.commit);
    });
    await metronome.until('a metronome leader', leaderOf);
    cluster.setClock(undefined, true);
    // Work the workers had already been given finishes: twice round every worker (a disk request),
    // so each has heard of the pause and every report it made before, and whatever reached it on a
    // lane the moment the lanes closed, is in.
    for (let round = 0; round < 2; round++) await Promise.all(cluster.nodeIds().map((node) => cluster.execute({ type: 'disk', node })));
    const seqAtPause = cluster.view.seq;
    const frozenAt = cluster.clock.now();
    // Ten heartbeats of the running cluster: longer than two election timeouts and ten heartbeat
    // intervals of the paused one, any of which would have made an event.
    const { heartbeatTicks, electionTicks } = cluster.profile;
    expect(10 * heartbeatTicks).toBeGreaterThan(2 * electionTicks);
    await nextEvents(metronome.cluster, 'ten metronome heartbeats', 10, (event) => event.type === 'message-sent' && event.message.kind === 'Heartbeat');
    expect(cluster.clock.now()).toBe(frozenAt);
    expect(cluster.view.seq).toBe(seqAtPause);
    cluster.setClock(undefined, false);
    await lab.until('heartbeats again', (view) => view.seq > seqAtPause + 5);
  });
});
