import { defineConfig } from '@playwright/test';
// @ts-expect-error -- plain ESM helper shared with scripts/test.mjs, no type declarations
import { INSTALL_HINT, findChromium } from './scripts/find-browser.mjs';

const executablePath = (findChromium as () => string | null)();
if (!executablePath) throw new Error(INSTALL_HINT as string);

const port = Number(process.env['RAFTLAB_E2E_PORT'] ?? 8299);
const dataDir = process.env['RAFTLAB_E2E_DATA'] ?? `.raftlab-tmp/e2e-data-${port}`;

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [['list'], ['json', { outputFile: '.raftlab-tmp/playwright-results.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    // /bin/sh without node_modules/.bin on PATH: go through npm.
    command: `rm -rf ${dataDir} && npm run serve:test -- --port ${port} --data-dir ${dataDir} --token e2e-token --implementation core=examples/raftlab-core-node.ts`,
    url: `http://127.0.0.1:${port}/api/clusters`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
  },
});
