// The disk-fault command in the scenario simulator (sim-cluster.ts): the lab's command on the
// simulator's memory disks, with the lab's outcomes (server/cluster/disk-faults.test.ts has them on
// real workers).
import { describe, expect, it } from 'vitest';
import { SimCluster } from './sim-cluster.ts';

const nodeOf = (cluster: SimCluster, id: string) => cluster.view().nodes.find((node) => node.id === id)!;

describe('disk-fault in the scenario simulator', () => {
  it('full: a follower does not take the writes, a leader refuses them, and freeing space resumes both without a restart', async () => {
    const cluster = new SimCluster({ seed: 4, nodes: 3 });
    expect(await cluster.execute({ type: 'put', key: 'k', value: 'old' })).toMatchObject({ ok: true, result: { node: 'n1' } });
    expect(await cluster.waitUntil(() => nodeOf(cluster, 'n3').applied >= nodeOf(cluster, 'n1').commit, 5_000)).toBe(true);
    expect(await cluster.execute({ type: 'disk-fault', node: 'n3', fault: 'full' })).toEqual({ ok: true, result: { fault: { kind: 'full' } } });
    expect(nodeOf(cluster, 'n3').diskFault).toEqual({ kind: 'full' });
    expect(await cluster.execute({ type: 'put', key: 'k', value: 'new' })).toMatchObject({ ok: true });
    expect(await cluster.execute({ type: 'get', key: 'k', consistency: 'stale', node: 'n3' })).toMatchObject({ ok: true, result: { value: 'old' } });
    expect(await cluster.execute({ type: 'disk-fault', node: 'n3', fault: 'none' })).toMatchObject({ ok: true });
    expect(await cluster.waitUntil(() => nodeOf(cluster, 'n3').applied >= nodeOf(cluster, 'n1').commit, 5_000)).toBe(true);
    expect(await cluster.execute({ type: 'get', key: 'k', consistency: 'stale', node: 'n3' })).toMatchObject({ ok: true, result: { value: 'new' } });

    expect(await cluster.execute({ type: 'disk-fault', node: 'n1', fault: 'full' })).toMatchObject({ ok: true });
    expect(await cluster.execute({ type: 'put', key: 'k', value: 'refused' })).toEqual({ ok: false, code: 'unavailable', error: "n1's disk is full (ENOSPC): it takes no writes until space is freed" });
    expect(cluster.history().some((event) => event.type === 'node-starting' && event.node === 'n3' && event.time > 0)).toBe(false);
  });

  it('failing: the node stops saying EIO, its fault is spent, and it restarts from what it had synced', async () => {
    const cluster = new SimCluster({ seed: 5, nodes: 3 });
    expect(await cluster.execute({ type: 'put', key: 'a', value: '1' })).toMatchObject({ ok: true });
    expect(await cluster.execute({ type: 'disk-fault', node: 'n2', fault: 'failing' })).toMatchObject({ ok: true });
    expect(await cluster.execute({ type: 'put', key: 'b', value: '2' })).toMatchObject({ ok: true });
    expect(nodeOf(cluster, 'n2')).toMatchObject({ life: 'failed', reason: 'disk failed: EIO on fdatasync of wal (in memory)' });
    expect(nodeOf(cluster, 'n2').diskFault).toBeUndefined();
    expect(await cluster.execute({ type: 'restart', node: 'n2' })).toEqual({ ok: true });
    expect(await cluster.waitUntil(() => nodeOf(cluster, 'n2').applied >= nodeOf(cluster, 'n1').commit, 5_000)).toBe(true);
    expect(await cluster.execute({ type: 'get', key: 'b', consistency: 'stale', node: 'n2' })).toMatchObject({ ok: true, result: { value: '2' } });
  });

  it('corrupt: the next recovery refuses the log; a wipe brings the node back', async () => {
    const cluster = new SimCluster({ seed: 6, nodes: 3 });
    for (let i = 0; i < 3; i++) expect(await cluster.execute({ type: 'put', key: `k${i}`, value: 'v' })).toMatchObject({ ok: true });
    expect(await cluster.execute({ type: 'disk-fault', node: 'n3', fault: 'corrupt' })).toMatchObject({ ok: true, result: { fault: { kind: 'corrupt' } } });
    expect(await cluster.execute({ type: 'kill', node: 'n3' })).toEqual({ ok: true });
    expect(await cluster.execute({ type: 'restart', node: 'n3' })).toEqual({ ok: true });
    expect(nodeOf(cluster, 'n3')).toMatchObject({ life: 'failed', reason: expect.stringMatching(/^corrupt WAL record in wal \(in memory\) at entry \d+/) });
    expect(await cluster.execute({ type: 'wipe-node', node: 'n3' })).toEqual({ ok: true });
    expect(await cluster.waitUntil(() => nodeOf(cluster, 'n3').life === 'alive' && nodeOf(cluster, 'n3').applied >= nodeOf(cluster, 'n1').commit, 5_000)).toBe(true);
    expect(nodeOf(cluster, 'n3').diskFault).toBeUndefined();
  });
});
