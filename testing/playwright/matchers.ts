// Matchers on a test's cluster, asked of the server (not of a page): toHaveLeader, toConverge (poll
// until they hold, or with .not until they stop holding) and toBeLinearizable (the server's WGL
// verdict over the client history, GET /api/clusters/{c}/history).
import { expect as baseExpect, type ExpectMatcherState, type MatcherReturnType } from '@playwright/test';
import { convergence, leaderOf } from '../lab/cluster-state.ts';
import type { LabCluster } from '../lab/lab-cluster.ts';

const POLL_MS = 100;

/** Asks `probe` until its pass is what the matcher wants (pass, or not pass under .not) or time runs out. */
async function poll(state: ExpectMatcherState, timeout: number | undefined, probe: () => Promise<{ pass: boolean; actual: string }>): Promise<{ pass: boolean; actual: string }> {
  const deadline = Date.now() + (timeout ?? state.timeout);
  for (;;) {
    const outcome = await probe();
    if (outcome.pass !== state.isNot || Date.now() >= deadline) return outcome;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function result(state: ExpectMatcherState, name: string, cluster: LabCluster, expected: string, outcome: { pass: boolean; actual: string }): MatcherReturnType {
  const hint = state.utils.matcherHint(name, `cluster ${cluster.name}`, undefined, { isNot: state.isNot });
  return {
    name,
    pass: outcome.pass,
    expected,
    actual: outcome.actual,
    message: () => `${hint}\n\nExpected: ${state.isNot ? 'not ' : ''}${expected}\nReceived: ${outcome.actual}`,
  };
}

export const raftlabMatchers = {
  /** A live leader (other than `not`, if given); with .not: no live leader. */
  async toHaveLeader(this: ExpectMatcherState, cluster: LabCluster, options: { not?: string; timeout?: number } = {}) {
    const outcome = await poll(this, options.timeout, async () => {
      const leader = leaderOf(await cluster.client.view());
      return { pass: leader !== null && leader !== options.not, actual: leader === null ? 'no leader' : `leader ${leader}` };
    });
    return result(this, 'toHaveLeader', cluster, options.not ? `a leader other than ${options.not}` : 'a leader', outcome);
  },

  /** A leader, and every live node has applied all it committed, at the same log length and term. */
  async toConverge(this: ExpectMatcherState, cluster: LabCluster, options: { timeout?: number } = {}) {
    const outcome = await poll(this, options.timeout, async () => {
      const state = convergence(await cluster.client.view());
      return { pass: state.converged, actual: state.converged ? 'every live node converged' : state.why };
    });
    return result(this, 'toConverge', cluster, 'every live node to converge on the leader', outcome);
  },

  /** The server's verdict over the client history is "linearizable" (an empty history is not a pass:
   *  nothing was checked). Judged once, as of now. */
  async toBeLinearizable(this: ExpectMatcherState, cluster: LabCluster) {
    const { verdict, trimmed } = await cluster.client.history();
    let outcome: { pass: boolean; actual: string };
    if (verdict.kind === 'empty') outcome = { pass: false, actual: 'no client operations to judge' };
    else if (verdict.kind === 'error') outcome = { pass: false, actual: `the checker gave up: ${verdict.message}` };
    else if (verdict.result.verdict === 'linearizable') outcome = { pass: true, actual: `linearizable (${verdict.operations} operations${trimmed ? ', older ones trimmed' : ''})` };
    else if (verdict.result.verdict === 'violation') outcome = { pass: false, actual: `not linearizable (key "${verdict.result.key}"): ${verdict.result.explanation}` };
    else outcome = { pass: false, actual: `undetermined: ${verdict.result.reason}` };
    return result(this, 'toBeLinearizable', cluster, 'a linearizable client history', outcome);
  },
};

export const expect = baseExpect.extend(raftlabMatchers);
