// Bring your own Raft on the page: a cluster of Maelstrom processes (our core wrapped as one,
// registered by the e2e server's --implementation), its messages on the ring, a cut link, the
// leader's process killed, lin-kv writes from the client panel and a linearizable verdict.
import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page.ts';

test('a cluster of Maelstrom-process nodes: messages on the ring, a cut link, the leader killed, a linearizable verdict', async ({ page, request }) => {
  test.setTimeout(180_000); // three processes start and elect, the leader's is killed, three lin-kv rounds
  const created = await request.post('/api/clusters', { data: { nodes: 3, implementation: 'core', profile: 'production', name: `byo-${Date.now().toString(36)}` } });
  expect(created.status()).toBe(201);
  const { name, token } = ((await created.json()) as { result: { name: string; token: string } }).result;
  const lab = new LabPage(page, { name, token });
  try {
    await lab.open();
    await expect(page.getByRole('note').filter({ hasText: 'own timers' })).toContainText('keeps its own timers in real time');
    const first = await lab.waitForLeader();

    // Held, the bus keeps the nodes' messages in flight where the ring shows them.
    await lab.command({ type: 'hold', held: true });
    await expect(page.getByRole('group', { name: /^Cluster ring/ })).toHaveAccessibleName(/Cluster ring: 3 nodes, [1-9]\d* messages in flight/);
    await expect.poll(async () => (await lab.serverInFlight()).map((message) => message.kind)).toContain('Heartbeat');
    await lab.command({ type: 'hold', held: false });

    const [a, b] = ['n1', 'n2', 'n3'].filter((id) => id !== first);
    await lab.link(a!, b!).click();
    await page.getByRole('menuitem', { name: `Cut ${a}↔${b} both ways` }).click();
    await expect(lab.link(a!, b!)).toHaveAccessibleName(/cut/);

    // A read of nothing first: the page judges a key it saw from its creation (lin-kv says no versions).
    await expect(await lab.clientOp('get', 'color')).toContainText('color = (absent)');
    await expect(await lab.clientOp('put', 'color', { value: 'blue' })).toContainText('color: write_ok by');
    await lab.kill(first);
    await lab.command({ type: 'heal-network' });
    await lab.waitForLeader(first);
    await expect(await lab.clientOp('get', 'color')).toContainText('color = blue');
    await expect(await lab.clientOp('put', 'color', { value: 'green' })).toContainText('color: write_ok by');
    await expect(page.getByRole('status', { name: 'Linearizability verdict' })).toContainText('Linearizable');
  } finally {
    await request.delete(`/api/clusters/${name}`, { headers: { 'X-Vault-Token': token } });
  }
});
