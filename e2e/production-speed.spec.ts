// The page at production speed: thousands of events a second. It stops following each message and
// draws a summary of the newest state a few times a second (counted per link), and that summary
// must still be the truth: a value written while it aggregates appears on every node's card, and
// when the load stops the page follows each event again from where the cluster is.
import { expect, test } from '@playwright/test';
import type { CreatedCluster } from '../shared/protocol/clusters.ts';
import { LabPage } from './lab-page.ts';

test('at production speed the page aggregates, and what it shows is still the truth', async ({ page, request }) => {
  test.setTimeout(90_000);
  const created = await request.post('/api/clusters', { data: { nodes: 3, profile: 'production', name: `fast-${Date.now().toString(36)}` } });
  expect(created.status()).toBe(201);
  const cluster = ((await created.json()) as { result: CreatedCluster }).result;
  const headers = { 'X-Vault-Token': cluster.token };
  const put = (key: string, value: string) => request.put(`/api/clusters/${cluster.name}/kv/${key}`, { headers, data: { value } });
  let writing = true;
  let load: Promise<void> = Promise.resolve();
  try {
    const lab = new LabPage(page, cluster);
    await lab.open();
    await lab.waitForLeader();
    const stage = page.getByText(/^virtual time .* messages in flight/);
    await expect(stage).not.toContainText('counted per link');

    // Eight writers in a closed loop: the cluster's events go well past what the page follows.
    load = Promise.all(Array.from({ length: 8 }, async (_, writer) => {
      for (let n = 0; writing; n++) await put(`load-${writer}-${n % 16}`, `v${n}`);
    })).then(() => undefined);
    await expect(stage, 'the page summarises at this rate').toContainText('counted per link', { timeout: 20_000 });

    // Written while the page aggregates: every node's card shows it, from the summaries alone.
    const marker = `truth-${Date.now().toString(36)}`;
    expect((await put('marker', marker)).status()).toBe(200);
    await expect(stage).toContainText('counted per link');
    for (const id of await lab.nodeIds()) await expect(lab.keysOn(id).getByRole('row', { name: /marker/ })).toContainText(marker, { timeout: 15_000 });

    // The load stops: the page follows each event again, from the newest state.
    writing = false;
    await load;
    await expect(stage, 'back to following each event').not.toContainText('counted per link', { timeout: 20_000 });
    const after = `after-${Date.now().toString(36)}`;
    expect((await put('marker', after)).status()).toBe(200);
    for (const id of await lab.nodeIds()) await expect(lab.keysOn(id).getByRole('row', { name: /marker/ })).toContainText(after);
  } finally {
    writing = false;
    await load.catch(() => undefined);
    await request.delete(`/api/clusters/${cluster.name}`, { headers });
  }
});
