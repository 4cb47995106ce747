// Values need the token, on the page: a watcher's page shows a digest where the controlling page
// shows the value, and the token holder's "Watchers see values" switch shows it to watchers at once.
import { expect, test } from './fixtures.ts';

test('a watcher sees digests until the token holder lets watchers see values', async ({ labPage: lab, browser, cluster }) => {
  await lab.open();
  await lab.waitForLeader();
  await lab.write('secret-color', 'teal');
  const leader = await lab.waitForLeader();
  await expect(lab.keysOn(leader)).toContainText('teal');

  const watcherContext = await browser.newContext();
  try {
    const watcher = await watcherContext.newPage();
    await watcher.goto(`/?cluster=${cluster.name}`);
    const watchedKeys = watcher.getByRole('table', { name: `Keys on ${leader}` });
    await expect(watchedKeys).toContainText('secret-color');
    await expect(watchedKeys).toContainText(/‹hidden [0-9a-f]{10}›/);
    await expect(watchedKeys).not.toContainText('teal');
    await expect(watcher.getByRole('note').filter({ hasText: 'Values are hidden while you only watch' })).toBeVisible();
    await expect(watcher.getByLabel('Watchers see values')).toHaveCount(0);

    const share = lab.page.getByLabel('Watchers see values');
    await share.check();
    await expect.poll(async () => (await (await lab.page.request.get(`/api/clusters/${cluster.name}`)).json()).result.values).toBe('shown');
    await expect(watchedKeys).toContainText('teal');

    await share.uncheck();
    await expect(watchedKeys).not.toContainText('teal');
    await expect(watchedKeys).toContainText(/‹hidden [0-9a-f]{10}›/);
  } finally {
    await watcherContext.close();
  }
});
