// The invariant monitor's liveness row on the page: green while a leader with a majority commits;
// a follower that hears no one, with pre-vote and check-quorum off, keeps deposing every leader, and
// the row turns red with the reason in plain words; healing the network turns it green again.
import { expect, test } from './fixtures.ts';

test('a deaf node with pre-vote off turns Progress red with the reason; healing turns it green', async ({ page, labPage: lab }) => {
  await lab.open();
  await lab.command({ type: 'clock', speed: 1 });
  await lab.command({ type: 'switches', preVote: false, checkQuorum: false });
  const leader = await lab.waitForLeader();
  const progress = page.getByRole('list', { name: 'Liveness' }).getByRole('listitem');
  await expect(progress).toHaveAccessibleName('Progress: holds', { timeout: 20_000 });

  const ids = await lab.nodeIds();
  const deaf = ids.find((id) => id !== leader)!;
  for (const from of ids.filter((id) => id !== deaf)) await lab.command({ type: 'cut-link', from, to: deaf, direction: 'one-way' });
  await expect(progress).toHaveAccessibleName('Progress: STUCK', { timeout: 30_000 });
  await expect(progress).toContainText(`${deaf} keeps starting elections`);
  await expect(progress).toContainText('Pre-vote is off');

  await lab.command({ type: 'heal-network' });
  await expect(progress).toHaveAccessibleName('Progress: holds', { timeout: 30_000 });
});
