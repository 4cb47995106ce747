// raftlab/playwright: fixtures and matchers for Playwright tests against a lab. Combine with your
// own fixtures through mergeTests / mergeExpects.
export { test, type RaftlabFixtures, type RaftlabTestOptions, type RaftlabWorkerOptions } from './fixtures.ts';
export { expect, raftlabMatchers } from './matchers.ts';
export { Faults } from './faults.ts';
export { LabPage, type PageCluster } from './lab-page.ts';
export { attachClusterRecord } from './failure-attachments.ts';
export { LabCluster } from '../lab/lab-cluster.ts';
export type { Lab } from '../lab/start-lab.ts';
