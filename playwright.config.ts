import { defineConfig } from '@playwright/test';
import type { RaftlabTestOptions, RaftlabWorkerOptions } from './testing/playwright/index.ts';
import { E2E_PORT } from './e2e/e2e-server.ts';
// @ts-expect-error -- plain ESM helper shared with scripts/test.mjs, no type declarations
import { INSTALL_HINT, findChromium } from './scripts/find-browser.mjs';

const executablePath = (findChromium as () => string | null)();
if (!executablePath) throw new Error(INSTALL_HINT as string);

const port = E2E_PORT;
const dataDir = process.env['RAFTLAB_E2E_DATA'] ?? `.raftlab-tmp/e2e-data-${port}`;

export default defineConfig<RaftlabTestOptions, RaftlabWorkerOptions>({
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
  projects: [
    // Our suite runs on raftlab/playwright against the webServer below (the built page, as `npm
    // start` serves it): a fresh 5-node teaching cluster per test, as a person opens the lab.
    { name: 'e2e', testDir: 'e2e', use: { labUrl: `http://127.0.0.1:${port}`, labToken: 'e2e-token', nodes: 5, profile: 'teaching' } },
    // The examples use the fixture as another project would: it starts a lab of its own.
    { name: 'examples', testDir: 'examples', testMatch: '**/*.spec.ts', use: { nodes: 3, profile: 'production' } },
    // The fixture package's own specs (its matchers' failures), on a lab it starts.
    { name: 'fixtures', testDir: 'testing', testMatch: '**/*.spec.ts', use: { nodes: 3, profile: 'production' } },
  ],
  webServer: {
    // /bin/sh without node_modules/.bin on PATH: go through npm.
    command: `rm -rf ${dataDir} && npm run serve:test -- --port ${port} --data-dir ${dataDir} --token e2e-token --implementation core=examples/raftlab-core-node.ts`,
    url: `http://127.0.0.1:${port}/api/clusters`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
  },
});
