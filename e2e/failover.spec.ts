// The walking skeleton, end to end: real workers, real disks, the real page in real Chromium.
import { expect, test } from './fixtures.ts';

test('a killed leader is replaced, and a write reaches every live node', async ({ page, labPage: lab }) => {
  await lab.open();

  const first = await lab.waitForLeader();
  await expect(lab.nodeState(first)).toHaveText('leader');

  await lab.kill(first);
  const second = await lab.waitForLeader(first);
  expect(second).not.toBe(first);
  await expect(lab.nodeState(second)).toHaveText('leader');

  await lab.write('color', 'blue');
  const live = (await lab.nodeIds()).filter((id) => id !== first);
  expect(live.length).toBeGreaterThanOrEqual(4);
  for (const id of live) {
    await expect(lab.keysOn(id).getByRole('row', { name: /color/ })).toContainText('blue');
  }

  // The old leader comes back from its disk alone and is caught up by the new leader.
  await lab.restart(first);
  await expect(lab.nodeState(first)).toHaveText('follower');
  await expect(lab.keysOn(first).getByRole('row', { name: /color/ })).toContainText('blue');

  // The incident panel measured the failover, and no acknowledged write was lost.
  await expect(page.getByRole('table', { name: 'Incidents' })).toContainText(`${first} killed`);
  await expect(page.getByRole('status', { name: 'Acknowledged writes lost' })).toHaveText('Acknowledged writes lost (RPO): 0');
});
