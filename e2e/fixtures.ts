// Test fixtures. The server's default cluster is watch-only without its token, so the suite creates
// its own cluster once per worker (the creator gets its control token), and every test gets a lab
// page opened on it with its control link, and leaves it usable (healed, restarted, running).
import { test as base, expect, request } from '@playwright/test';
import { LabPage, type ClusterAccess } from './lab-page.ts';

export const test = base.extend<{ lab: LabPage }, { cluster: ClusterAccess }>({
  cluster: [
    async ({}, use, workerInfo) => {
      const baseURL = workerInfo.project.use.baseURL!;
      const api = await request.newContext({ baseURL });
      const response = await api.post('/api/clusters', { data: { nodes: 5, name: `e2e-${workerInfo.workerIndex}-${Date.now().toString(36)}` } });
      const body = (await response.json()) as { ok: boolean; result: { name: string; token: string }; error?: string };
      if (!body.ok) throw new Error(`could not create a cluster for the suite: ${body.error}`);
      await use({ name: body.result.name, token: body.result.token });
      await api.delete(`/api/clusters/${body.result.name}`, { headers: { 'X-Vault-Token': body.result.token } });
      await api.dispose();
    },
    { scope: 'worker' },
  ],
  lab: async ({ page, cluster }, use) => {
    const lab = new LabPage(page, cluster);
    await use(lab);
    await lab.cleanUp();
  },
});

export { expect };
