// Every scenario of the library, run in the simulator: the same script the tours and the real-node
// tests run (server/scenarios), on simulated machines in virtual time, judged by the same
// expectations. A few seeds each, and a check that a seed replays to the same event sequence.
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../scenarios/index.ts';
import { describeReports, ScenarioRun } from '../scenarios/runner.ts';
import type { Scenario } from '../scenarios/types.ts';
import { SimCluster, simOptionsFor } from './sim-cluster.ts';

const SEEDS = [1, 2, 3];

async function runScenario(scenario: Scenario, seed: number): Promise<{ ok: boolean; text: string; steps: number; cluster: SimCluster }> {
  const cluster = new SimCluster(simOptionsFor(scenario, seed));
  const reports = await new ScenarioRun(scenario, cluster).runAll();
  return { ok: reports.length === scenario.steps.length && reports.every((r) => r.ok), text: describeReports(reports), steps: reports.length, cluster };
}

describe('scenarios in the simulator', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.id}: ${scenario.title}`, async () => {
      for (const seed of SEEDS) {
        const run = await runScenario(scenario, seed);
        expect(run.ok, `seed ${seed}:\n${run.text}`).toBe(true);
      }
    });
  }
});

describe('the simulated scenario cluster', () => {
  it('replays a seed to the same event sequence', async () => {
    const scenario = SCENARIOS.find((s) => s.id === 'network-partition')!;
    const a = await runScenario(scenario, 7);
    const b = await runScenario(scenario, 7);
    const events = (run: { cluster: SimCluster }) => JSON.stringify(run.cluster.history());
    expect(a.cluster.history().length).toBeGreaterThan(100);
    expect(events(a)).toBe(events(b));
    const c = await runScenario(scenario, 8);
    expect(events(c)).not.toBe(events(a));
  });

  it('refuses commands it does not simulate, with the real error shape', async () => {
    const cluster = new SimCluster({ seed: 1, nodes: 3 });
    expect(await cluster.execute({ type: 'clock', paused: true })).toMatchObject({ ok: false, code: 'bad-request', error: expect.stringMatching(/not supported in the simulator/) });
    expect(await cluster.execute({ type: 'kill', node: 'n9' })).toMatchObject({ ok: false, code: 'not-found' });
  });
});
