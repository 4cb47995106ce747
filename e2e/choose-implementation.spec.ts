// Choosing what a cluster runs on the page: a watcher forks a cluster of our core into one of the
// registered implementation ("core", our core wrapped as a Maelstrom process, registered by the
// e2e server's --implementation), then makes a new cluster of it from the header's "New cluster".
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import type { CreatedCluster } from '../shared/protocol/clusters.ts';

/** Clicks `submit`, waits until the page opened the cluster it made, and gives back its name and
 *  token (the page keeps the control link's token for the tab), for clean-up. */
async function madeBy(page: Page, from: string, submit: () => Promise<void>): Promise<{ name: string; token: string }> {
  await submit();
  await page.waitForURL((url) => (url.searchParams.get('cluster') ?? from) !== from);
  const name = new URL(page.url()).searchParams.get('cluster')!;
  const token = await page.evaluate((cluster) => sessionStorage.getItem(`raftlab-token:${cluster}`), name);
  expect(token).toBeTruthy();
  return { name, token: token! };
}

async function implementationOf(request: APIRequestContext, name: string): Promise<{ implementation?: string; nodes: unknown[] }> {
  return ((await (await request.get(`/api/clusters/${name}`)).json()) as { result: { cluster: { implementation?: string; nodes: unknown[] } } }).result.cluster;
}

test('the page forks into, and creates, a cluster of a registered implementation', async ({ page, request }) => {
  test.setTimeout(120_000); // four node processes start
  const source = await request.post('/api/clusters', { data: { nodes: 1, profile: 'production', name: `ours-${Date.now().toString(36)}` } });
  expect(source.status()).toBe(201);
  const ours = ((await source.json()) as { result: CreatedCluster }).result;
  const made: { name: string; token: string }[] = [ours];
  try {
    await test.step('a watcher forks our core into three "core" process nodes', async () => {
      await page.goto(`/?cluster=${ours.name}`);
      const fork = page.getByRole('form', { name: 'Fork this cluster' });
      await expect(fork.getByLabel('Implementation')).toHaveValue('raftlab');
      await fork.getByLabel('Implementation').selectOption({ label: 'core (a program)' });
      await fork.getByLabel('Nodes').fill('3');
      const forked = await madeBy(page, ours.name, () => fork.getByRole('button', { name: 'Fork this cluster' }).click());
      made.push(forked);
      await expect(page).toHaveURL(new RegExp(`cluster=${forked.name}`));
      await expect(page.getByRole('note').filter({ hasText: 'own timers' })).toContainText('These nodes are core');
      const view = await implementationOf(request, forked.name);
      expect(view.implementation).toBe('core');
      expect(view.nodes).toHaveLength(3);
    });

    await test.step('"New cluster" in the header makes one "core" node', async () => {
      await page.getByRole('button', { name: 'New cluster' }).click();
      const dialog = page.getByRole('dialog', { name: 'New cluster' });
      await dialog.getByLabel('Implementation').selectOption('core');
      await dialog.getByLabel('Nodes').fill('1');
      const created = await madeBy(page, made[1]!.name, () => dialog.getByRole('button', { name: 'Create cluster' }).click());
      made.push(created);
      await expect(page).toHaveURL(new RegExp(`cluster=${created.name}`));
      await expect(page.getByRole('note').filter({ hasText: 'own timers' })).toContainText('These nodes are core');
      const view = await implementationOf(request, created.name);
      expect(view.implementation).toBe('core');
      expect(view.nodes).toHaveLength(1);
    });
  } finally {
    for (const cluster of made) await request.delete(`/api/clusters/${cluster.name}`, { headers: { 'X-Vault-Token': cluster.token } });
  }
});
