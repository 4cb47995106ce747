// The fixture's matchers say no when the server says no: an empty history is not linearizable
// (nothing was judged), a cluster without a quorum has no leader and does not converge, and each
// failure names what the server answered.
import { expect, test } from './index.ts';

test('toBeLinearizable, toHaveLeader and toConverge fail with what the server answered', async ({ cluster, faults }) => {
  const leader = await cluster.waitForLeader();
  await expect(expect(cluster).toBeLinearizable()).rejects.toThrow(/Received: no client operations to judge/);
  await cluster.client.put('color', 'blue');
  await expect(cluster).toBeLinearizable();
  await expect(cluster).toConverge();

  const followers = (await cluster.client.view()).nodes.map((node) => node.id).filter((id) => id !== leader);
  for (const id of followers) await faults.kill(id);
  await expect(cluster).not.toHaveLeader();
  await expect(expect(cluster).toHaveLeader({ timeout: 500 })).rejects.toThrow(/Expected: a leader\nReceived: no leader/);
  await expect(expect(cluster).toConverge({ timeout: 500 })).rejects.toThrow(/Received: there is no leader/);

  await faults.restartAll();
  await expect(cluster).toHaveLeader();
  await expect(cluster).toConverge();
});
