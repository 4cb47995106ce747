// A disk that fills up, set from the page: the Disk vs memory panel's control, and what the node's
// card and the panel then say.
import { expect, test } from './fixtures.ts';

test('a full disk set from the Disk vs memory panel is said on the card and the panel, and freed again', async ({ page, labPage: lab }) => {
  await lab.open();
  const leader = await lab.waitForLeader();
  const follower = (await lab.nodeIds()).find((id) => id !== leader)!;
  await page.getByLabel(`Disk fault of ${follower}`).selectOption('full');
  await lab.expectDone(`${follower}'s disk: full (ENOSPC)`);
  await expect(lab.node(follower).getByLabel(`${follower}'s disk fault`)).toHaveText('disk full: writes return ENOSPC');
  await expect(page.getByLabel(`Disk of ${follower}`)).toHaveText('full: writes return ENOSPC');
  // A write still commits (the others are a majority); the full follower keeps running.
  await lab.write(`full-${Date.now().toString(36)}`, 'x');
  await expect(lab.nodeState(follower)).toHaveText('follower');

  await page.getByLabel(`Disk fault of ${follower}`).selectOption('none');
  await expect(lab.node(follower).getByLabel(`${follower}'s disk fault`)).toHaveCount(0);
  await expect(page.getByLabel(`Disk of ${follower}`)).toHaveText('healthy');
});
