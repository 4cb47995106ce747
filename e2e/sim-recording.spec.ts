// A failing simulator seed is something to watch: the simulator writes it as a recording in the
// page's own format (npm run sim -- --record), the page opens it, and the invariant monitor is
// green before the moment the simulator's monitor caught the bug and red from then on.
import { recordSeed } from '../shared/sim/record.ts';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

/**
 * Replay starts playing: hold it still, so a moment set stays put. A short recording can reach its
 * end (and the Pause button become Play) between seeing Pause and clicking it, so the click is
 * retried against whichever button is there until Play shows.
 */
async function holdStill(page: Page): Promise<void> {
  const pause = page.getByRole('button', { name: 'Pause replay' });
  const play = page.getByRole('button', { name: 'Play recording' });
  await expect(async () => {
    if (await pause.isVisible()) await pause.click({ timeout: 1_000 });
    await expect(play).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

test("a failing seed's recording opens on the page and turns its invariant red at the moment it broke", async ({ page, labPage: lab }) => {
  const { result, recording } = recordSeed({ seed: 1, bugs: ['forgetVoteOnRestart'] });
  expect(result.failures[0]?.invariant).toBe('single-vote');
  const violation = recording.events.find((event) => event.type === 'violation');
  if (violation?.type !== 'violation') throw new Error('the seed recorded no violation');

  await lab.open();
  await page.getByLabel('Import a recording').setInputFiles({ name: 'seed.raftlab.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(recording)) });
  await expect(lab.notices).toContainText(`Imported recording “${recording.name}”`);
  const list = page.getByRole('list', { name: 'Saved recordings' });
  await list.getByRole('button', { name: `Replay ${recording.name}` }).click();
  await expect(page.getByRole('banner')).toContainText(`recording “${recording.name}”`);
  await holdStill(page);
  // The simulated cluster's five nodes are on the ring.
  await expect(page.getByRole('region', { name: /^Node n\d$/ })).toHaveCount(5);

  const invariants = page.getByRole('list', { name: 'Safety invariants' });
  const timeline = page.getByRole('slider', { name: 'Timeline' });
  // Just before the moment: the rule still holds.
  await timeline.fill(String(Math.max(0, violation.time - 20)));
  await expect(invariants.getByRole('listitem', { name: 'One vote per term: holds' })).toBeVisible();
  // From the moment on: red, with the simulator's explanation.
  await timeline.fill(String(violation.time + 1));
  const broken = invariants.getByRole('listitem', { name: 'One vote per term: VIOLATED' });
  await expect(broken).toBeVisible();
  await expect(broken).toContainText(violation.explanation.slice(0, 40));

  await page.getByRole('button', { name: 'LIVE' }).click();
  await list.getByRole('button', { name: `Delete ${recording.name}` }).click();
});

test('what if: branch off a moment of a simulator recording, and the branch opens beside the original', async ({ page, labPage: lab }) => {
  const { recording } = recordSeed({ seed: 5, nodes: 3, ticks: 300 });
  // Whoever leads at 1.5 s is the node the branch kills there.
  let leader = '';
  for (const event of recording.events) {
    if (event.time > 1500) break;
    if (event.type === 'node-status' && event.status.role === 'leader') leader = event.node;
  }
  expect(leader).not.toBe('');

  await lab.open();
  await page.getByLabel('Import a recording').setInputFiles({ name: 'calm.raftlab.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(recording)) });
  const list = page.getByRole('list', { name: 'Saved recordings' });
  await list.getByRole('button', { name: `Replay ${recording.name}`, exact: true }).click();
  await holdStill(page);
  const timeline = page.getByRole('slider', { name: 'Timeline' });
  await timeline.fill('1500');
  await expect(page.getByLabel(`State of ${leader}`)).toHaveText('leader');

  const whatIf = page.getByRole('form', { name: 'What if' });
  await expect(whatIf).toContainText('at 1.50 s');
  await whatIf.getByLabel('Change').selectOption('kill');
  await whatIf.getByLabel('Node').selectOption(leader);
  await whatIf.getByRole('button', { name: 'Branch here' }).click();
  const branchName = `${recording.name} · what if kill ${leader} at 1.50 s`;
  await expect(lab.notices).toContainText(`What-if branch “${branchName}” saved and opened`);
  await expect(page.getByRole('banner')).toContainText(`recording “${branchName}”`);
  // Both runs are saved, side by side in the list.
  await expect(list.getByRole('listitem', { name: `Recording ${recording.name}`, exact: true })).toBeVisible();
  await expect(list.getByRole('listitem', { name: `Recording ${branchName}`, exact: true })).toBeVisible();
  // In the branch the leader is down just after the moment, and someone else takes over later.
  await timeline.fill('1510');
  await expect(page.getByLabel(`State of ${leader}`)).toHaveText('down');
  await timeline.fill('2900');
  await expect(page.getByRole('region', { name: /^Node n\d$/ }).filter({ has: page.getByText('leader', { exact: true }) })).toHaveCount(1);

  await page.getByRole('button', { name: 'LIVE' }).click();
  await list.getByRole('button', { name: `Delete ${branchName}`, exact: true }).click();
  await list.getByRole('button', { name: `Delete ${recording.name}`, exact: true }).click();
});
