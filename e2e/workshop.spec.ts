// A workshop: the instructor controls the server's cluster from its control link; a student opens
// the plain link, watches the same cluster, cannot control it, and forks a sandbox of their own
// (same settings) that they do control. Two independent browsers, one real server.
import { expect, test, type Page } from '@playwright/test';

const INSTRUCTOR_TOKEN = 'e2e-token';

const status = (page: Page) => page.getByRole('status', { name: 'Cluster status' });
const watchingNote = (page: Page) => page.getByText(/Watching only/);
const nodeState = (page: Page, id: string) => page.getByLabel(`State of ${id}`);

async function waitForLeader(page: Page): Promise<string> {
  await expect(status(page)).toHaveText(/Leader n\d+/, { timeout: 60_000 });
  return /Leader (n\d+)/.exec((await status(page).textContent()) ?? '')![1]!;
}

/** Opens the node's menu and picks an action; returns false if the page offers it disabled. */
async function tryNodeAction(page: Page, id: string, action: string): Promise<boolean> {
  const card = page.getByRole('region', { name: `Node ${id}` });
  await card.getByRole('button', { name: `Actions for ${id}` }).click();
  const item = card.getByRole('menuitem', { name: action });
  if ((await item.getAttribute('aria-disabled')) === 'true') {
    await page.keyboard.press('Escape');
    return false;
  }
  await item.click();
  return true;
}

test('the instructor controls, a student watches and cannot control, then forks their own', async ({ browser, request }) => {
  // Two live pages animating real clusters on a small shared machine: give it room.
  test.setTimeout(300_000);
  const instructorContext = await browser.newContext();
  const studentContext = await browser.newContext();
  const instructor = await instructorContext.newPage();
  const student = await studentContext.newPage();

  // The instructor turns a protection off for the lesson (a fork copies it).
  const lesson = await request.post('/api/clusters/default/commands', { data: { type: 'switches', preVote: false }, headers: { 'X-Vault-Token': INSTRUCTOR_TOKEN } });
  expect(lesson.ok()).toBe(true);

  await instructor.goto(`/?cluster=default#token=${INSTRUCTOR_TOKEN}`);
  await student.goto('/?cluster=default');
  const leader = await waitForLeader(instructor);
  await waitForLeader(student);
  await expect(watchingNote(student)).toBeVisible();
  await expect(watchingNote(instructor)).toHaveCount(0);

  // Both see the same cluster: the instructor kills a follower, the student's page shows it down.
  const follower = ['n1', 'n2', 'n3', 'n4', 'n5'].find((id) => id !== leader)!;
  expect(await tryNodeAction(instructor, follower, `Kill ${follower}`)).toBe(true);
  await expect(nodeState(instructor, follower)).toHaveText('down');
  await expect(nodeState(student, follower)).toHaveText('down');

  // The student cannot control it: the page either offers no control or the server refuses it.
  const other = ['n1', 'n2', 'n3', 'n4', 'n5'].find((id) => id !== leader && id !== follower)!;
  if (await tryNodeAction(student, other, `Kill ${other}`)) {
    await expect(student.getByRole('log', { name: 'Command results' })).toContainText(/needs its token/);
  }
  await expect(nodeState(instructor, other)).not.toHaveText('down');

  // The student forks a sandbox with the same settings, and controls it.
  await student.getByRole('button', { name: 'Fork this cluster' }).click();
  // A fork is named after its source, with a suffix the page chose.
  await expect(student).toHaveURL(/\?cluster=default-[0-9a-z]{6}/, { timeout: 60_000 });
  const forkName = new URL(student.url()).searchParams.get('cluster')!;
  await waitForLeader(student);
  await expect(watchingNote(student)).toHaveCount(0);
  const forkView = await (await request.get(`/api/clusters/${forkName}`)).json();
  expect(forkView.result.cluster.switches.preVote).toBe(false);
  expect(forkView.result.cluster.nodes).toHaveLength(5);
  const forkLeader = await waitForLeader(student);
  const forkFollower = ['n1', 'n2', 'n3', 'n4', 'n5'].find((id) => id !== forkLeader)!;
  expect(await tryNodeAction(student, forkFollower, `Kill ${forkFollower}`)).toBe(true);
  await expect(nodeState(student, forkFollower)).toHaveText('down');
  // The instructor's cluster did not change with it: only the node the instructor killed is down.
  const room = await (await request.get('/api/clusters/default')).json();
  expect(room.result.cluster.nodes.filter((node: { life: string }) => node.life === 'dead').map((node: { id: string }) => node.id)).toEqual([follower]);

  // Leave the room as it was.
  await request.post(`/api/clusters/default/nodes/${follower}/restart`, { headers: { 'X-Vault-Token': INSTRUCTOR_TOKEN } });
  await request.post('/api/clusters/default/commands', { data: { type: 'switches', preVote: true }, headers: { 'X-Vault-Token': INSTRUCTOR_TOKEN } });
  await instructorContext.close();
  await studentContext.close();
});
