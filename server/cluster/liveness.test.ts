// The liveness row on real nodes (worker threads, real WAL, the lab's clock): the watch the
// simulator's tests exercise shape by shape (shared/check/liveness.test.ts) is wired into the lab's
// cluster too, and a flapping node with pre-vote and check-quorum off turns it red with the reason,
// while the same fault with pre-vote on leaves it green.
import { afterEach, describe, expect, it } from 'vitest';
import { formedLeader, startTempCluster, type TempCluster } from '../testing/temp-cluster.ts';

let lab: TempCluster | null = null;
afterEach(async () => {
  await lab?.dispose();
  lab = null;
});

async function deafenN3(temp: TempCluster): Promise<void> {
  await temp.until('a formed cluster', formedLeader);
  await temp.until('liveness holds', (view) => view.liveness?.state === 'holds');
  for (const from of ['n1', 'n2']) await temp.cluster.execute({ type: 'cut-link', from, to: 'n3', direction: 'one-way' });
}

describe('liveness on real nodes', () => {
  it('pre-vote and check-quorum off: a node that hears no one keeps deposing leaders, and the row says so', async () => {
    lab = startTempCluster({ switches: { preVote: false, checkQuorum: false } });
    await deafenN3(lab);
    const stuck = await lab.until('liveness stuck', (view) => (view.liveness?.state === 'stuck' ? view.liveness : null));
    expect(stuck.explanation).toContain('n3 keeps starting elections');
    expect(stuck.explanation).toContain('Pre-vote is off');
    // Healing the links heals the cluster, and the row goes green again.
    await lab.cluster.execute({ type: 'heal-network' });
    await lab.until('liveness holds again', (view) => view.liveness?.state === 'holds');
  });

  it('pre-vote on: the same deaf node disturbs no one, and past the bound the row is still green', async () => {
    lab = startTempCluster({ switches: { preVote: true, checkQuorum: false } });
    await deafenN3(lab);
    const cutAt = lab.cluster.view.clock.now;
    // Ten election timeouts of 150 virtual ms is the bound; wait well past it, then look.
    await lab.until('the bound passed', (view) => view.clock.now > cutAt + 3_000);
    expect(lab.cluster.view.liveness?.state).toBe('holds');
    expect(lab.cluster.view.nodes.find((node) => node.id === 'n3')?.role).not.toBe('leader');
  });
});
