// The Playwright fixtures: a worker-scoped `lab` (a server started for the worker, or one already
// running at `labUrl`), a test-scoped `cluster` of its own (deleted in teardown; its recording and
// event log attached when the test fails), `faults`, and `labPage`, the lab page's page object.
import { test as base } from '@playwright/test';
import { LabCluster } from '../lab/lab-cluster.ts';
import type { StartLabOptions } from '../lab/lab-options.ts';
import { attachLab, startLab, type Lab } from '../lab/start-lab.ts';
import { attachClusterRecord } from './failure-attachments.ts';
import { Faults } from './faults.ts';
import { LabPage } from './lab-page.ts';

export interface RaftlabWorkerOptions {
  /** A lab already running (e.g. the config's webServer): used instead of starting one. */
  labUrl: string | undefined;
  /** That lab's default-cluster token, if the tests need it. */
  labToken: string | undefined;
  /** How to start the worker's lab when there is no labUrl (startLab's options). */
  labOptions: StartLabOptions;
}

export interface RaftlabTestOptions {
  /** Nodes in each test's cluster (1–9). */
  nodes: number;
  /** Timing of each test's cluster: production (real timing) or teaching (slowed down). */
  profile: 'production' | 'teaching';
  /** A registered node implementation for each test's cluster (default our core). */
  implementation: string | undefined;
}

export interface RaftlabFixtures {
  cluster: LabCluster;
  faults: Faults;
  labPage: LabPage;
}

/** A cluster name from the test's title, made unique (1–32 of a-z, 0-9 and -). */
function clusterName(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 22).replace(/-+$/, '');
  return `${slug || 't'}-${Math.random().toString(36).slice(2, 8)}`;
}

export const test = base.extend<RaftlabTestOptions & RaftlabFixtures, RaftlabWorkerOptions & { lab: Lab }>({
  labUrl: [process.env['RAFTLAB_URL'], { scope: 'worker', option: true }],
  labToken: [process.env['RAFTLAB_TOKEN'], { scope: 'worker', option: true }],
  labOptions: [{}, { scope: 'worker', option: true }],
  lab: [
    async ({ labUrl, labToken, labOptions }, use) => {
      if (labUrl) return use(attachLab(labUrl, labToken));
      const lab = await startLab(labOptions);
      try {
        await use(lab);
      } finally {
        await lab.stop();
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],

  nodes: [3, { option: true }],
  profile: ['production', { option: true }],
  implementation: [undefined, { option: true }],
  cluster: async ({ lab, nodes, profile, implementation }, use, testInfo) => {
    const cluster = await LabCluster.create(lab, { nodes, profile, name: clusterName(testInfo.title), ...(implementation ? { implementation } : {}) });
    try {
      await use(cluster);
      if (testInfo.status !== testInfo.expectedStatus) await attachClusterRecord(cluster, testInfo);
    } finally {
      await cluster.dispose();
    }
  },
  faults: async ({ cluster }, use) => use(new Faults(cluster)),
  labPage: async ({ page, cluster }, use) => use(new LabPage(page, cluster)),
});
