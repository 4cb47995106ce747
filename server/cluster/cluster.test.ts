// The skeleton's runtime with real worker threads and real files.
import { afterEach, describe, expect, it } from 'vitest';
import { leaderOf, startTempCluster, type TempCluster } from '../testing/temp-cluster.ts';

let lab: TempCluster | null = null;
afterEach(async () => {
  await lab?.dispose();
  lab = null;
});

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

  it('refuses writes without a quorum with a definite error, within a bounded time', async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    const leader = await lab.until('a leader', leaderOf);
    const followers = cluster.nodeIds().filter((id) => id !== leader);
    for (const id of followers) await cluster.execute({ type: 'kill', node: id });
    const started = performance.now();
    const result = await cluster.execute({ type: 'put', key: 'k', value: 'v' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(['timeout', 'no-leader']).toContain(result.code);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('pausing the clock freezes the cluster: no event until resume', async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    await lab.until('all three nodes joined', (view) => {
      const leader = view.nodes.find((node) => node.id === leaderOf(view));
      return leader && leader.config.voters.length === 3 && view.nodes.every((node) => node.commit === leader.commit);
    });
    cluster.setClock(undefined, true);
    // Work the workers had already been given finishes; after that, nothing may happen.
    await lab.settled(100);
    const seqAtPause = cluster.view.seq;
    const frozenAt = cluster.clock.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(cluster.clock.now()).toBe(frozenAt);
    expect(cluster.view.seq).toBe(seqAtPause);
    cluster.setClock(undefined, false);
    await lab.until('heartbeats again', (view) => view.seq > seqAtPause + 5);
  });
});
