// The classroom behind nginx, in a real browser: two raftlab servers and the repo's nginx config
// (server/workshop/nginx.ts). A student opens the page through the proxy, watches the instructor's
// cluster live, forks it, and controls the fork, which lives on whichever server its name hashes to.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startTestLab, type TestLab } from '../server/http/lab-test-server.ts';
import { INSTALL_HINT, findNginx, startNginx, type RunningNginx } from '../server/workshop/nginx.ts';

const status = (page: Page) => page.getByRole('status', { name: 'Cluster status' });
const servers: Record<string, TestLab> = {};
let nginx: RunningNginx | null = null;
let proxy = '';
let prefix = '';

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const binary = findNginx();
  if (!binary) throw new Error(INSTALL_HINT);
  // The page the webServer built; both servers serve the same one.
  const ports = { s1: await freePort(), s2: await freePort() };
  for (const [id, port] of Object.entries(ports)) {
    const peers = Object.entries(ports).filter(([other]) => other !== id).map(([, at]) => `http://127.0.0.1:${at}`);
    servers[id] = await startTestLab({ port, nodes: 3, profile: 'teaching', serverId: id, peers, webRoot: resolve('dist/web') });
  }
  prefix = mkdtempSync(join(tmpdir(), 'raftlab-e2e-nginx-'));
  const port = await freePort();
  proxy = `http://127.0.0.1:${port}`;
  nginx = await startNginx(binary, prefix, `127.0.0.1:${port}`, Object.values(servers).map((lab) => ({ host: '127.0.0.1', port: Number(new URL(lab.url).port) })));
});

test.afterAll(async () => {
  await nginx?.stop();
  for (const lab of Object.values(servers)) await lab.dispose().catch(() => {});
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

test('through nginx, a page watches the live cluster, forks it, and controls the fork on the server that holds it', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(`${proxy}/?cluster=default`);
  await expect(status(page)).toHaveText(/Leader n\d+/, { timeout: 60_000 });
  await expect(page.getByText(/Watching only/)).toBeVisible();

  await page.getByRole('button', { name: 'Fork this cluster' }).click();
  await expect(page).toHaveURL(/\?cluster=default-[0-9a-z]{6}/, { timeout: 60_000 });
  const fork = new URL(page.url()).searchParams.get('cluster')!;
  // Live events of the fork reach the page through the proxy: its nodes elect a leader.
  await expect(status(page)).toHaveText(/Leader n\d+/, { timeout: 60_000 });
  await expect(page.getByText(/Watching only/)).toHaveCount(0);
  const home = Object.entries(servers).find(([, lab]) => lab.lab.clusters.get(fork))?.[0];
  expect(home).toBeDefined();
  const answer = await fetch(`${proxy}/api/clusters/${fork}`);
  expect(answer.headers.get('x-raftlab-server')).toBe(home);

  // The page controls its fork through the proxy: kill a follower, and its card shows it down.
  const leader = /Leader (n\d+)/.exec((await status(page).textContent()) ?? '')![1]!;
  const follower = ['n1', 'n2', 'n3'].find((id) => id !== leader)!;
  const card = page.getByRole('region', { name: `Node ${follower}` });
  await card.getByRole('button', { name: `Actions for ${follower}` }).click();
  await card.getByRole('menuitem', { name: `Kill ${follower}` }).click();
  await expect(page.getByLabel(`State of ${follower}`)).toHaveText('down');
  expect(servers[home!]!.lab.clusters.get(fork)!.cluster.view.nodes.find((node) => node.id === follower)?.life).toBe('dead');
});

test("the class view, through nginx, lists every server's clusters for the instructor and opens one", async ({ page }) => {
  test.setTimeout(120_000);
  const token = servers['s1']!.token;
  // A student's cluster on each server, made at names that hash to each.
  const made = new Map<string, string>();
  for (let i = 0; made.size < 2 && i < 40; i++) {
    const answer = await fetch(`${proxy}/api/clusters/student-${i}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nodes: 1, profile: 'production', forkedFrom: 'default' }) });
    const server = answer.headers.get('x-raftlab-server')!;
    if (!made.has(server)) made.set(server, `student-${i}`);
  }
  expect([...made.keys()].sort()).toEqual(['s1', 's2']);
  await page.goto(`${proxy}/class#token=${token}`);
  const table = page.getByRole('table', { name: 'Clusters of the class' });
  for (const [server, name] of made) {
    const row = table.getByRole('row', { name: `Cluster ${name}`, exact: true });
    await expect(row).toContainText(server);
    await expect(row).toContainText('default');
  }
  // Each server has its own default cluster: both are listed, each with its server.
  await expect(table.getByRole('row', { name: 'Cluster default', exact: true })).toHaveCount(2);
  // The token left the address bar; the view still updates (it keeps it for the tab).
  expect(page.url()).not.toContain('token');
  await table.getByRole('link', { name: made.get('s2')! }).click();
  await expect(page).toHaveURL(new RegExp(`\\?cluster=${made.get('s2')}$`));
  await expect(status(page)).toHaveText(/Leader n1/, { timeout: 30_000 });

  // Without the instructor's token the view says what it needs.
  await page.goto(`${proxy}/class`);
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await expect(page.getByRole('alert')).toContainText("needs the instructor's token");
});
