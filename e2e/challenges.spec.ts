// Challenges in a real browser: a student watching a cluster forks their own, opens a hint, and
// solves two challenges with the page's own controls; the lab detects both from what the nodes did,
// the panel explains them, the browser keeps the progress across a reload (idb-keyval), and the
// instructor's class view counts them on the student's fork.
import { expect, LabPage, test } from 'raftlab/playwright';
import { CHALLENGES } from '../shared/challenges/catalog.ts';
import { formed } from '../testing/lab/cluster-state.ts';

const challenge = (page: LabPage, title: string) => page.page.getByRole('list', { name: 'Challenges' }).getByRole('listitem', { name: new RegExp(`^${title}: `) });

test('two challenges solved on a fork are detected, explained, kept in the browser and shown on the class view', async ({ page, cluster, lab }) => {
  test.setTimeout(240_000);
  // The student opens the plain link (no token): watching only, and forks a cluster of their own.
  await page.goto(`${lab.url}/?cluster=${cluster.name}`);
  await page.getByRole('button', { name: 'Fork this cluster' }).click();
  // A fork is named after its source (cut to fit) with a suffix the page chose.
  await expect(page).not.toHaveURL(new RegExp(`\\?cluster=${cluster.name}$`), { timeout: 60_000 });
  await expect(page).toHaveURL(/\?cluster=[a-z0-9-]+-[0-9a-z]{6}$/);
  const fork = new URL(page.url()).searchParams.get('cluster')!;
  const student = new LabPage(page, { name: fork, token: '', client: lab.client.cluster(fork) });
  // The fork's nodes join one at a time at teaching speed; until each is a voter the first node is a
  // quorum alone, and isolating it (below) would leave no majority to elect another.
  await expect.poll(async () => formed(await student.serverView()), { message: 'the fork formed (every node a voter)', timeout: 60_000 }).toBe(true);
  await expect(page.getByText(/Watching only/)).toHaveCount(0);

  const stale = challenge(student, 'A stale read from a follower');
  const oneFailure = challenge(student, 'Make the cluster unavailable with one failure');
  const lost = challenge(student, 'An acknowledged write lost');
  await expect(stale).toHaveAccessibleName(/not solved$/);
  // Hints open one at a time; the browser keeps how many (checked after a reload below).
  await stale.getByRole('button', { name: 'A stale read from a follower' }).click();
  await stale.getByRole('button', { name: 'Show a hint (1 of 3)' }).click();
  await expect(stale.getByRole('list', { name: 'Hints' })).toContainText(CHALLENGES.find((c) => c.id === 'stale-read')!.hints[0]);
  await lost.getByRole('button', { name: 'An acknowledged write lost' }).click();
  await lost.getByRole('button', { name: 'Show a hint (1 of 3)' }).click();
  await lost.getByRole('button', { name: 'Another hint (2 of 3)' }).click();

  // Write, isolate the leader, let the others elect and commit a newer version.
  const oldLeader = await student.waitForLeader();
  await student.write('color', 'blue');
  await page.getByRole('button', { name: 'Isolate leader' }).click();
  await student.waitForLeader(oldLeader);
  await student.write('color', 'green');
  // Check-quorum is on: cut off, the old leader steps down. Read from it, stale.
  await expect(student.nodeState(oldLeader)).not.toHaveText('leader');
  const read = await student.clientOp('get', 'color', { consistency: 'stale', node: oldLeader });
  await expect(read).toContainText('blue');

  await expect(stale).toHaveAccessibleName(/: solved$/);
  await expect(stale.getByRole('status')).toContainText(`${oldLeader}, a follower, answered a stale read with version 1 of color after version 2 had been acknowledged.`);
  await expect(oneFailure).toHaveAccessibleName(/: solved$/);
  await expect(oneFailure.getByRole('status')).toContainText(`With ${oldLeader} cut off, the other 4 of 5 still committed a write.`);
  await expect(oneFailure).toContainText('It cannot be done.');

  // After a reload: the solved ones still solved, and the hints opened still open.
  await page.reload();
  await expect(stale).toHaveAccessibleName(/: solved$/);
  await expect(lost).toHaveAccessibleName(/not solved$/);
  await lost.getByRole('button', { name: 'An acknowledged write lost' }).click();
  await expect(lost.getByRole('list', { name: 'Hints' }).getByRole('listitem')).toHaveCount(2);
  await expect(lost.getByRole('button', { name: 'Another hint (3 of 3)' })).toBeVisible();

  // The instructor's class view counts them on the fork, named as a fork of the cluster watched.
  const solved = (await student.serverView()).challenges.map((c) => c.id);
  expect(solved).toEqual(expect.arrayContaining(['stale-read', 'one-failure-unavailable']));
  const instructor = await page.context().newPage();
  await instructor.goto(`${lab.url}/class#token=${encodeURIComponent(lab.token)}`);
  const row = instructor.getByRole('table', { name: 'Clusters of the class' }).getByRole('row').filter({ hasText: fork });
  await expect(row).toContainText(cluster.name);
  await expect(row).toContainText(`${solved.length}/${CHALLENGES.length}`);
  await instructor.close();
});
