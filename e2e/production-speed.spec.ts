// The page at production speed: thousands of events a second. It stops following each message and
// draws a summary of the newest state a few times a second (counted per link), and that summary
// must still be the truth: a value written while it aggregates appears on every node's card, and
// when the load stops the page follows each event again from where the cluster is. Meanwhile the
// logs are drawn strips, one per node, each saying in words what it draws.
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

    // The logs while it aggregates: a drawn strip per node, labelled with what it shows, following
    // the summaries (the commit index it names moves on), and drawn (its canvas has ink on it).
    const ids = await lab.nodeIds();
    for (const id of ids) {
      await expect(page.getByRole('img', { name: new RegExp(`^Log of ${id}: entries \\d+–\\d+, terms? [\\d–]+, committed through \\d+$`) })).toBeVisible();
    }
    const strip = page.getByRole('img', { name: new RegExp(`^Log of ${ids[0]}:`) });
    const committedThrough = async (): Promise<number> => Number(/committed through (\d+)/.exec((await strip.getAttribute('aria-label')) ?? '')?.[1] ?? 0);
    const seen = await committedThrough();
    await expect.poll(committedThrough, { message: 'the strip follows the summaries' }).toBeGreaterThan(seen);
    const inked = await strip.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
      let drawn = 0;
      for (let alpha = 3; alpha < pixels.length; alpha += 4) if (pixels[alpha]! > 0) drawn++;
      return drawn / (canvas.width * canvas.height);
    });
    expect(inked, 'share of the strip drawn on').toBeGreaterThan(0.2);
    // The feed keeps the newest 50 lines while it aggregates, and says so.
    const feed = page.getByRole('list', { name: 'Event feed' });
    await feed.scrollIntoViewIfNeeded();
    await expect(feed.getByText(/^The newest 50 while events come faster than anyone reads/)).toBeVisible();
    expect(await feed.getByRole('listitem').count()).toBe(51);

    // Written while the page aggregates: every node's card shows it, from the summaries alone.
    const marker = `truth-${Date.now().toString(36)}`;
    expect((await put('marker', marker)).status()).toBe(200);
    await expect(stage).toContainText('counted per link');
    for (const id of await lab.nodeIds()) await expect(lab.keysOn(id).getByRole('row', { name: /marker/ })).toContainText(marker, { timeout: 15_000 });

    // The load stops: the page follows each event again, from the newest state.
    writing = false;
    await load;
    await expect(stage, 'back to following each event').not.toContainText('counted per link', { timeout: 20_000 });
    await expect(page.getByRole('list', { name: `Log of ${ids[0]}` }).getByRole('listitem').last(), 'an element per entry again').toHaveAccessibleName(/^entry \d+, term \d+/);
    const after = `after-${Date.now().toString(36)}`;
    expect((await put('marker', after)).status()).toBe(200);
    for (const id of await lab.nodeIds()) await expect(lab.keysOn(id).getByRole('row', { name: /marker/ })).toContainText(after);
  } finally {
    writing = false;
    await load.catch(() => undefined);
    await request.delete(`/api/clusters/${cluster.name}`, { headers });
  }
});
