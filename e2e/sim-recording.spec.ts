// A failing simulator seed is something to watch: the simulator writes it as a recording in the
// page's own format (npm run sim -- --record), the page opens it, and the invariant monitor is
// green before the moment the simulator's monitor caught the bug and red from then on.
import { recordSeed } from '../shared/sim/record.ts';
import { expect, test } from './fixtures.ts';

test("a failing seed's recording opens on the page and turns its invariant red at the moment it broke", async ({ page, lab }) => {
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
