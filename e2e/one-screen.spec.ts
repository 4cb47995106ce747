// A page that fits the room: on a 1440×900 laptop and a 1920×1080 projector the ring, the logs and
// the event feed are on screen together with no scrolling, and every other panel is one click away
// in the tabs. The first screen tells a newcomer what to try, and gets out of the way once they have.
import { expect, test } from './fixtures.ts';

for (const size of [{ width: 1440, height: 900 }, { width: 1920, height: 1080 }]) {
  test.describe(`${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    test('ring, logs and events in view together, no page scroll; the rest a tab away', async ({ page, labPage: lab }) => {
      await lab.open();
      await lab.waitForLeader();
      const inView = async (name: string, locator: ReturnType<typeof page.locator>) => {
        const box = await locator.boundingBox();
        expect(box, `${name} is laid out`).not.toBeNull();
        expect(box!.y, `${name} starts on screen`).toBeGreaterThanOrEqual(0);
        expect(box!.y + Math.min(box!.height, 120), `${name} is on screen`).toBeLessThanOrEqual(size.height);
        expect(box!.x + box!.width, `${name} fits the width`).toBeLessThanOrEqual(size.width);
      };
      await inView('the ring', page.getByRole('group', { name: /^Cluster ring/ }));
      await inView('the logs', page.getByRole('region', { name: 'Logs' }));
      await inView('the event feed', page.getByRole('region', { name: 'Events' }));
      // The page itself does not scroll: each column scrolls inside.
      const overflow = await page.evaluate(() => document.scrollingElement!.scrollHeight - window.innerHeight);
      expect(overflow).toBeLessThanOrEqual(0);

      const tabs = page.getByRole('tablist', { name: 'Panels' });
      await expect(tabs.getByRole('tab', { name: 'Nodes', selected: true })).toBeVisible();
      await expect(lab.node('n1')).toBeVisible();
      await tabs.getByRole('tab', { name: 'Client' }).click();
      await expect(lab.client).toBeVisible();
      await inView('the client form', lab.client);
      await lab.write('room', 'fits');
      await tabs.getByRole('tab', { name: 'Invariants' }).click();
      await expect(page.getByRole('list', { name: 'Safety invariants' })).toBeVisible();
      // Arrow keys move along the tabs (← and → scrub time elsewhere on the page).
      await tabs.getByRole('tab', { name: 'Invariants' }).press('ArrowRight');
      await expect(tabs.getByRole('tab', { name: 'Challenges', selected: true })).toBeFocused();
      await expect(page.getByRole('list', { name: 'Challenges' })).toBeVisible();
      await expect(page.getByRole('region', { name: 'Events' })).toContainText('room');
    });
  });
}

test.describe('the first screen', () => {
  test.use({ viewport: { width: 1440, height: 900 } });

  test('tells a newcomer what to try first, and goes once they have done it', async ({ page, labPage: lab }) => {
    await lab.open();
    const hint = page.getByRole('complementary', { name: 'Getting started' });
    await expect(hint).toContainText('kill the leader');
    const leader = await lab.waitForLeader();
    await lab.kill(leader);
    await expect(hint).toHaveCount(0);
    // Kept in the browser: it stays gone after a reload, with the node back up.
    await lab.restart(leader);
    await page.reload();
    await lab.waitForLeader();
    await expect(page.getByRole('region', { name: 'Logs' })).toBeVisible();
    await expect(hint).toHaveCount(0);
  });
});
