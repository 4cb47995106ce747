// A consumer's Playwright test on an installed raftlab/playwright: the fixture starts a lab of its
// own from the package, the page object drives the shipped page, a fault and a matcher.
import { expect, test } from 'raftlab/playwright';

test.use({ nodes: 3 });

test('the page shows the leader; once it is killed another leads', async ({ cluster, faults, labPage }) => {
  await labPage.open();
  const leader = await labPage.waitForLeader();
  expect(leader).toBe(await cluster.leader());
  await faults.kill(leader);
  await expect(cluster).toHaveLeader({ not: leader });
});
