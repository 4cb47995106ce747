// Growing, shrinking and resetting the cluster from the page: add a learner, promote it, remove it;
// snapshot a node; wipe a follower's disk; lose power everywhere and restart all.
import { expect, test } from './fixtures.ts';

test('add a learner, promote it to voter, then remove it', async ({ page, labPage: lab }) => {
  await lab.open();
  await lab.waitForLeader();
  const before = await lab.nodeIds();
  await page.getByRole('toolbar', { name: 'Cluster actions' }).getByRole('button', { name: 'Add learner' }).click();
  await expect(page.getByRole('region', { name: /^Node n\d+$/ })).toHaveCount(before.length + 1);
  const added = (await lab.nodeIds()).find((id) => !before.includes(id))!;
  await expect(lab.node(added)).toContainText('learner');
  await expect(lab.ringNode(added)).toHaveAccessibleName(/learner/);

  await lab.nodeAction(added, `Promote ${added}`);
  await expect(lab.node(added)).toContainText('voter');

  await lab.nodeAction(added, `Remove ${added}`);
  await expect(page.getByRole('region', { name: /^Node n\d+$/ })).toHaveCount(before.length);
  await lab.waitForLeader();
});

test('snapshot a node, wipe a follower’s disk and see it caught up', async ({ labPage: lab }) => {
  await lab.open();
  const leader = await lab.waitForLeader();
  await lab.write(`snap-${Date.now().toString(36)}`, 'x');
  await lab.nodeAction(leader, `Snapshot ${leader} now`);
  await expect(lab.node(leader)).toContainText(/snapshot \d+/);

  const follower = (await lab.nodeIds()).find((id) => id !== leader)!;
  await lab.nodeAction(follower, `Wipe ${follower}'s disk`);
  await lab.expectDone(`Wipe ${follower}'s disk`);
  await expect(lab.nodeState(follower)).toHaveText('follower');
  const key = `after-wipe-${Date.now().toString(36)}`;
  await lab.write(key, 'y');
  await expect(lab.keysOn(follower).getByRole('row', { name: new RegExp(key) })).toContainText('y');
});

test('power loss takes every node down; restart all brings back a leader', async ({ page, labPage: lab }) => {
  await lab.open();
  await lab.waitForLeader();
  const actions = page.getByRole('toolbar', { name: 'Cluster actions' });
  await actions.getByRole('button', { name: 'Power loss' }).click();
  for (const id of await lab.nodeIds()) {
    await expect(lab.nodeState(id)).toHaveText('down');
    await expect(lab.node(id)).toContainText('power cut: unsynced writes lost');
  }
  await expect(lab.status).toContainText('No leader');
  await actions.getByRole('button', { name: 'Restart all' }).click();
  await lab.waitForLeader();
  await expect(page.getByRole('table', { name: 'Incidents' })).toContainText('lost power');
});
