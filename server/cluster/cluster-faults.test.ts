// Issue 4's failure scenarios against real workers and real files: no acknowledged write is ever
// lost, a minority commits nothing, and what was paused or wiped comes back.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { leaderOf, startTempCluster, type TempCluster } from '../testing/temp-cluster.ts';
import { startWriteLoad } from '../testing/write-load.ts';
import type { Cluster } from './cluster.ts';
import type { ClusterView } from '../../shared/protocol/views.ts';

let lab: TempCluster | null = null;
afterEach(async () => {
  await lab?.dispose();
  lab = null;
});

/** Every roster node is a voter in the leader's configuration and has caught up. */
function formed(size: number) {
  return (view: ClusterView): string | null => {
    const leaderId = leaderOf(view);
    const leader = view.nodes.find((node) => node.id === leaderId);
    if (!leader || leader.config.voters.length !== size) return null;
    return view.nodes.every((node) => node.life === 'alive' && node.applied >= leader.commit) ? leader.id : null;
  };
}

/** Resolves at the first event stamped at lab time `time` or later: the others' traffic keeps time. */
function labTimeReached(cluster: Cluster, time: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after 20 s waiting for lab time ${time}`));
    }, 20_000);
    const off = cluster.events.subscribe((event) => {
      if (event.time < time) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

async function expectAllReadable(cluster: Cluster, acknowledged: Map<string, string>): Promise<void> {
  expect(acknowledged.size).toBeGreaterThan(0);
  for (const [key, value] of acknowledged) {
    const read = await cluster.execute({ type: 'get', key, consistency: 'linearizable' });
    expect(read, key).toMatchObject({ ok: true, result: { value } });
  }
}

describe('faults under load', () => {
  it('killing the leader during a write load loses no acknowledged write', async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    const first = await lab.until('a formed cluster', formed(3));
    const load = startWriteLoad(cluster);
    await load.acknowledgedAtLeast(20);
    await cluster.execute({ type: 'kill', node: first });
    await lab.until('a new leader', (view) => (leaderOf(view) !== first ? leaderOf(view) : null));
    const before = (await load.acknowledgedAtLeast(0), cluster.view.seq);
    await lab.until('writes continue', (view) => view.seq > before + 50);
    const result = await load.stop();
    await expectAllReadable(cluster, result.acknowledged);
    expect(cluster.checker.violations).toEqual([]);
  });

  it('nodes killed just as they compact (file written off the thread) come back whole, losing nothing', async () => {
    lab = startTempCluster({ nodes: 3, snapshotThreshold: 60 });
    const { cluster } = lab;
    await lab.until('a formed cluster', formed(3));
    const load = startWriteLoad(cluster);
    const killed: string[] = [];
    for (let round = 0; round < 4; round++) {
      // The snapshot event comes as the node hands its file to the pool: kill it right then.
      const victim = await new Promise<string>((resolve) => {
        const off = cluster.events.subscribe((event) => {
          if (event.type !== 'snapshot' || event.source !== 'local') return;
          off();
          void cluster.execute({ type: 'kill', node: event.node });
          resolve(event.node);
        });
      });
      killed.push(victim);
      await lab.until(`${victim} down`, (view) => view.nodes.find((node) => node.id === victim)?.life === 'dead');
      await cluster.execute({ type: 'restart', node: victim });
      await lab.until(`${victim} recovered and caught up`, (view) => {
        const node = view.nodes.find((n) => n.id === victim);
        const leader = view.nodes.find((n) => n.id === leaderOf(view));
        return node?.life === 'alive' && leader !== undefined && node.applied >= leader.commit - 5;
      });
    }
    const result = await load.stop();
    expect(killed).toHaveLength(4);
    expect(cluster.view.nodes.every((node) => node.life === 'alive')).toBe(true);
    await expectAllReadable(cluster, result.acknowledged);
    expect(cluster.checker.violations).toEqual([]);
    // Opening a node's disk deletes an interrupted write; none is left behind.
    for (const node of killed) expect(readdirSync(join(lab.dataDir, 'test', node)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('power loss of every node mid-load, then restart: no acknowledged write lost', async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    await lab.until('a formed cluster', formed(3));
    const load = startWriteLoad(cluster);
    await load.acknowledgedAtLeast(30);
    await cluster.execute({ type: 'power-loss' });
    const result = await load.stop();
    expect(cluster.view.nodes.every((node) => node.life === 'dead')).toBe(true);
    await cluster.execute({ type: 'restart-all' });
    await lab.until('a leader after power returns', leaderOf);
    await expectAllReadable(cluster, result.acknowledged);
    expect(cluster.checker.violations).toEqual([]);
  });

  it('partition 2|3: the minority commits nothing and says so in bounded time; healed, all converge', async () => {
    lab = startTempCluster({ nodes: 5 });
    const { cluster } = lab;
    const oldLeader = await lab.until('a formed cluster', formed(5));
    const buddy = cluster.nodeIds().find((id) => id !== oldLeader)!;
    const minority = [oldLeader, buddy];
    const commitBefore = Math.max(...cluster.view.nodes.map((node) => node.commit));
    await cluster.execute({ type: 'partition', groups: [minority] });

    const refused = await cluster.execute({ type: 'put', key: 'minority', value: 'never', node: oldLeader });
    expect(refused.ok).toBe(false);
    const newLeader = await lab.until('a majority leader', (view) => {
      const leader = leaderOf(view);
      return leader && !minority.includes(leader) ? leader : null;
    });
    expect(await cluster.execute({ type: 'put', key: 'majority', value: 'yes' })).toMatchObject({ ok: true });
    for (const id of minority) {
      expect(cluster.view.nodes.find((node) => node.id === id)!.commit).toBeLessThanOrEqual(commitBefore + 1);
    }

    await cluster.execute({ type: 'heal-network' });
    await lab.until('every node converged', (view) => {
      const leader = view.nodes.find((node) => node.id === leaderOf(view));
      return leader && view.nodes.every((node) => node.applied === leader.commit && node.kv['majority']?.value === 'yes' && !node.kv['minority']);
    });
    expect(newLeader).not.toBe(oldLeader);
    expect(cluster.checker.violations.map((v) => `${v.invariant}: ${v.explanation} ${JSON.stringify(v.details)}`)).toEqual([]);
  });

  it('a paused node freezes while the others go on, and catches up on resume', async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    const leader = await lab.until('a formed cluster', formed(3));
    const follower = cluster.nodeIds().find((id) => id !== leader)!;
    await cluster.execute({ type: 'pause-node', node: follower });
    const pausedAt = cluster.clock.now();
    const frozen = { ...cluster.view.nodes.find((node) => node.id === follower)! };
    expect(frozen.life).toBe('paused');
    for (let i = 0; i < 5; i++) expect(await cluster.execute({ type: 'put', key: `p${i}`, value: `${i}` })).toMatchObject({ ok: true });
    // Two of the longest election timeouts of lab time, told by the events the others go on making:
    // a paused node's own timers stand still too, so it must not have campaigned.
    const { electionTicks, tickMs } = cluster.profile;
    await labTimeReached(cluster, pausedAt + 2 * (2 * electionTicks * tickMs));
    const still = cluster.view.nodes.find((node) => node.id === follower)!;
    expect(still.lastIndex).toBe(frozen.lastIndex);
    expect(still.commit).toBe(frozen.commit);
    expect([still.role, still.term]).toEqual([frozen.role, frozen.term]);
    expect(cluster.view.inFlight.some((message) => message.to === follower)).toBe(true);

    await cluster.execute({ type: 'resume-node', node: follower });
    await lab.until('the follower caught up', (view) => view.nodes.find((node) => node.id === follower)?.kv['p4']?.value === '4');
  });

  it('a wiped node rejoins empty and is caught up by InstallSnapshot', async () => {
    lab = startTempCluster({ nodes: 3, snapshotThreshold: 20 });
    const { cluster } = lab;
    const leader = await lab.until('a formed cluster', formed(3));
    for (let i = 0; i < 60; i++) expect(await cluster.execute({ type: 'put', key: `s${i}`, value: `${i}` })).toMatchObject({ ok: true });
    await lab.until('the leader compacted its log', (view) => (view.nodes.find((node) => node.id === leader)?.snapshotIndex ?? 0) > 20);
    const follower = cluster.nodeIds().find((id) => id !== leader)!;
    const installed = new Promise<void>((resolve) => {
      const off = cluster.events.subscribe((event) => {
        if (event.type === 'snapshot' && event.node === follower && event.source === 'leader') {
          off();
          resolve();
        }
      });
    });
    await cluster.execute({ type: 'wipe-node', node: follower });
    await installed;
    await lab.until('the wiped node has every key', (view) => view.nodes.find((node) => node.id === follower)?.kv['s59']?.value === '59');
    expect(cluster.view.nodes.find((node) => node.id === follower)!.kv['s0']?.value).toBe('0');
    expect(cluster.checker.violations).toEqual([]);
  });
});
