// Read your writes on a node's URL, in the simulator (the lab's gateway runs the same client
// operations: server/cluster/cluster-ops.test.ts has it on real workers). A write sent to a
// follower is committed by the leader; the follower answers only once it has applied it itself,
// so its own stale read that follows sees it. Without a node named, a stale read on a slow
// follower stays stale, as the page teaches.
import { describe, expect, it } from 'vitest';
import { SimCluster } from './sim-cluster.ts';

const nodeOf = (cluster: SimCluster, id: string) => cluster.view().nodes.find((node) => node.id === id)!;

async function slowFollower(seed: number): Promise<SimCluster> {
  const cluster = new SimCluster({ seed, nodes: 3 });
  expect(await cluster.execute({ type: 'put', key: 'warm', value: 'up' })).toMatchObject({ ok: true, result: { node: 'n1' } });
  expect(await cluster.waitUntil(() => nodeOf(cluster, 'n3').applied >= nodeOf(cluster, 'n1').commit, 5_000)).toBe(true);
  // What the leader sends n3 takes 300 virtual ms: n1 and n2 commit without it.
  expect(await cluster.execute({ type: 'network', from: 'n1', to: 'n3', settings: { latency: 300 } })).toMatchObject({ ok: true });
  return cluster;
}

describe('read your writes on a node', () => {
  it('a write sent to a follower is answered once that follower has applied it, so its stale read sees it', async () => {
    const cluster = await slowFollower(11);
    const written = await cluster.execute({ type: 'put', key: 'k', value: 'mine', node: 'n3' });
    expect(written).toMatchObject({ ok: true, result: { key: 'k', node: 'n1', index: expect.any(Number) } });
    const index = written.ok ? Number(written.result?.['index']) : NaN;
    expect(nodeOf(cluster, 'n3').applied).toBeGreaterThanOrEqual(index);
    expect(await cluster.execute({ type: 'get', key: 'k', consistency: 'stale', node: 'n3' })).toMatchObject({ ok: true, result: { value: 'mine', node: 'n3' } });
    const op = cluster.history().findLast((event) => event.type === 'client-op' && event.op === 'put');
    expect(op).toMatchObject({ outcome: 'ok', detail: expect.stringContaining('applied on n3') });
  });

  it('a write sent without a node is answered at commit: the slow follower still reads stale', async () => {
    const cluster = await slowFollower(11);
    expect(await cluster.execute({ type: 'put', key: 'k', value: 'theirs' })).toMatchObject({ ok: true, result: { node: 'n1' } });
    expect(await cluster.execute({ type: 'get', key: 'k', consistency: 'stale', node: 'n3' })).toMatchObject({ ok: true, result: { value: null } });
  });
});
