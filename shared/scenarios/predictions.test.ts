// Predict, then see: a step's question is judged against what really happened in the cluster
// (here the simulator, which runs the lab's node runtime), not against the script.
import { describe, expect, it } from 'vitest';
import { SimCluster, simOptionsFor } from '../sim/sim-cluster.ts';
import { SCENARIOS } from './index.ts';
import { NO_LEADER_CHOICE, predictionChoices, ScenarioRun } from './runner.ts';

const scenario = (id: string) => SCENARIOS.find((s) => s.id === id)!;

describe('tour predictions', () => {
  it('"who will lead next" is answered by the leader that took office; a right and a wrong guess are told apart', async () => {
    for (const seed of [1, 2]) {
      const leaderFailure = scenario('leader-failure');
      const cluster = new SimCluster(simOptionsFor(leaderFailure, seed));
      const run = new ScenarioRun(leaderFailure, cluster);
      await run.step();
      await run.step();
      const question = run.nextPrediction!;
      expect(question.kind).toBe('leader');
      expect(predictionChoices(question, cluster.view())).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', NO_LEADER_CHOICE]);
      const old = cluster.view().nodes.find((node) => node.role === 'leader')!.id;
      // Guess the node being killed: always wrong.
      const report = await run.step(old);
      const newLeader = cluster.view().nodes.find((node) => node.life === 'alive' && node.role === 'leader')!.id;
      expect(report.prediction).toEqual({ question: question.question, guess: old, actual: newLeader, right: false });
      // Yes/no: the read returns 41 (it did), and a skipped question is scored as neither.
      const read = await run.step('yes');
      expect(read.prediction).toMatchObject({ actual: 'yes', right: true });
    }
  });

  it('a write without a majority: the answer is "no", because it failed', async () => {
    const quorumLoss = scenario('quorum-loss');
    const cluster = new SimCluster(simOptionsFor(quorumLoss, 3));
    const run = new ScenarioRun(quorumLoss, cluster);
    await run.step();
    await run.step();
    expect(predictionChoices(run.nextPrediction!, cluster.view())).toEqual(['yes', 'no']);
    const report = await run.step(null);
    expect(report.prediction).toMatchObject({ guess: null, actual: 'no', right: null });
  });
});
