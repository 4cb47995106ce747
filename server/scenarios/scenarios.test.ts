// Every scenario of the library, run against real nodes (real workers, real files): what the tour
// narrates must really happen.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../shared/scenarios/index.ts';
import { ScenarioRun, describeReports } from '../../shared/scenarios/runner.ts';
import { Cluster } from '../cluster/cluster.ts';
import { ClusterTarget, clusterOptionsFor } from './cluster-target.ts';

describe('scenarios on real nodes', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.id}: ${scenario.title}`, { timeout: 120_000 }, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), `raftlab-scenario-${scenario.id}-`));
      const cluster = new Cluster(clusterOptionsFor(scenario, 'scenario', dataDir, 'production'));
      const target = new ClusterTarget(cluster);
      cluster.start();
      try {
        await target.prepare();
        const reports = await new ScenarioRun(scenario, target).runAll();
        const text = describeReports(reports);
        expect(reports.every((report) => report.ok), text).toBe(true);
        expect(reports).toHaveLength(scenario.steps.length);
      } finally {
        target.dispose();
        await cluster.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
