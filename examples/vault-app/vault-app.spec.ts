// A service that reads its configuration from Vault, tested against a lab's Vault API with the
// fixture package: it keeps serving through a leader kill, and says 503 when the cluster loses its
// quorum (and serves again once a majority is back).
import { expect, test as raftlab } from 'raftlab/playwright';
import { startConfigService, type ConfigService } from './config-service.ts';

const CONFIG = { featureFlag: 'on', pool: '8' };

const test = raftlab.extend<{ app: ConfigService }>({
  app: async ({ cluster }, use) => {
    // The configuration goes in through the lab's client, so the history the server checks has it.
    await expect(cluster).toHaveLeader();
    await cluster.client.put('app/config', JSON.stringify(CONFIG));
    const app = await startConfigService({ vaultAddr: cluster.vaultAddr, token: cluster.token, path: 'app/config' });
    await use(app);
    await app.close();
  },
});

test('keeps serving its configuration through a leader kill', async ({ app, cluster, faults, request }) => {
  const first = await request.get(`${app.url}/config`);
  expect(first.status()).toBe(200);
  const served = await first.json();

  const killed = await faults.killLeader();
  // Asked at once, while the cluster elects: every answer is still the configuration.
  for (let i = 0; i < 5; i++) {
    const response = await request.get(`${app.url}/config`);
    expect(response.status(), await response.text()).toBe(200);
    expect(await response.json()).toEqual(served);
  }
  await expect(cluster).toHaveLeader({ not: killed });
  await faults.restart(killed);
  await expect(cluster).toConverge();
  await expect(cluster).toBeLinearizable();
});

test('answers 503 when the cluster loses its quorum, and serves again once a majority is back', async ({ app, cluster, faults, request }) => {
  expect((await request.get(`${app.url}/config`)).status()).toBe(200);
  const leader = await cluster.waitForLeader();
  const [a, b] = (await cluster.client.view()).nodes.map((node) => node.id).filter((id) => id !== leader);
  await faults.kill(a!);
  await faults.kill(b!);
  await expect(cluster).not.toHaveLeader();
  const down = await request.get(`${app.url}/config`);
  expect(down.status()).toBe(503);
  expect((await down.json()).error).toMatch(/^configuration unavailable/);

  await faults.restart(a!);
  await expect(cluster).toHaveLeader();
  await expect.poll(async () => (await request.get(`${app.url}/config`)).status()).toBe(200);
});
