// Many writes at once through the lab's client: each must apply exactly once, none refused
// because another write of the same client overtook it.
import { afterEach, expect, it } from 'vitest';
import { leaderOf, startTempCluster, type TempCluster } from '../testing/temp-cluster.ts';

let lab: TempCluster | null = null;
afterEach(async () => {
  await lab?.dispose();
  lab = null;
});

it('64 concurrent writes all succeed, each applied once', async () => {
  lab = startTempCluster({ nodes: 3 });
  const { cluster } = lab;
  const leader = await lab.until('a formed cluster', (view) => {
    const lead = view.nodes.find((node) => node.id === leaderOf(view));
    return lead && lead.config.voters.length === 3 ? lead.id : null;
  });
  const follower = cluster.nodeIds().find((id) => id !== leader)!;
  // Half go through a follower (redirected to the leader), so they reach the leader out of order.
  const results = await Promise.all(
    Array.from({ length: 64 }, (_, i) => cluster.execute({ type: 'put', key: `c/${i % 8}`, value: `${i}`, ...(i % 2 ? { node: follower } : {}) })),
  );
  expect(results.filter((result) => !result.ok)).toEqual([]);
  // Eight keys, eight writes each: every key is at version 8 — no write lost, none applied twice.
  await lab.until('all versions applied', (view) => view.nodes.every((node) => Array.from({ length: 8 }, (_, k) => node.kv[`c/${k}`]?.version).every((v) => v === 8)));
});
