// The liveness row on real runtime code in virtual time: the scenario simulator (SimCluster) runs
// the node runtime the lab runs, streams the same events, and carries the same liveness watch, so
// each stuck shape below is the one the lab's page would show. Each stuck case has its healthy twin:
// the same fault with the protection on (or the fault healed) makes progress again.
import { describe, expect, it } from 'vitest';
import type { ClusterCommand } from '../protocol/commands.ts';
import type { LivenessView } from '../protocol/views.ts';
import { emptyClusterView, emptyNodeView } from '../protocol/reduce-view.ts';
import { SimCluster } from '../sim/sim-cluster.ts';
import { diagnoseStall } from './stall-diagnosis.ts';

/** Ten base election timeouts of 150 ms: the bound; a little over it, the verdict is in. */
const PAST_THE_BOUND_MS = 2_500;

async function lab(options: { preVote?: boolean; checkQuorum?: boolean; nodes?: number } = {}): Promise<SimCluster> {
  const cluster = new SimCluster({ seed: 7, nodes: options.nodes ?? 3, ...options });
  expect(await cluster.waitUntil(() => cluster.view().liveness?.state === 'holds', 3_000)).toBe(true);
  return cluster;
}

async function after(cluster: SimCluster, commands: readonly ClusterCommand[], virtualMs = PAST_THE_BOUND_MS): Promise<LivenessView> {
  for (const command of commands) await cluster.execute(command);
  await cluster.waitUntil(() => false, virtualMs);
  const liveness = cluster.view().liveness;
  if (!liveness) throw new Error('the watch said nothing');
  return liveness;
}

/** Every link into `node` cut: it hears no one, but its own messages still arrive. */
function deafen(node: string, others: readonly string[]): ClusterCommand[] {
  return others.map((other) => ({ type: 'cut-link', from: other, to: node, direction: 'one-way' }));
}

describe('liveness watch', () => {
  it('holds on a healthy cluster, and after a follower is killed', async () => {
    const cluster = await lab();
    const follower = cluster.view().nodes.find((node) => node.role !== 'leader')!.id;
    const verdict = await after(cluster, [{ type: 'kill', node: follower }]);
    expect(verdict.state).toBe('holds');
    expect(verdict.explanation).toMatch(/leads term \d+ with a majority/);
  });

  it('a deaf node with pre-vote and check-quorum off deposes every leader: stuck, and it says who and why', async () => {
    const cluster = await lab({ preVote: false, checkQuorum: false });
    const verdict = await after(cluster, deafen('n3', ['n1', 'n2']));
    expect(verdict.state).toBe('stuck');
    expect(verdict.explanation).toContain('n3 keeps starting elections');
    expect(verdict.explanation).toContain('its log is behind');
    expect(verdict.explanation).toContain('n1→n3 and n2→n3 are cut');
    expect(verdict.explanation).toContain('Pre-vote is off');
  });

  it('the same deaf node with pre-vote on disturbs no one: holds', async () => {
    const cluster = await lab({ preVote: true, checkQuorum: false });
    expect((await after(cluster, deafen('n3', ['n1', 'n2']))).state).toBe('holds');
  });

  it('two of three voters down: no quorum can form, said with who is down; restarting one heals it', async () => {
    const cluster = await lab();
    const verdict = await after(cluster, [{ type: 'kill', node: 'n1' }, { type: 'kill', node: 'n2' }]);
    expect(verdict.state).toBe('stuck');
    expect(verdict.explanation).toContain('No quorum can form: 2 of the 3 voters must reach one another.');
    expect(verdict.explanation).toContain('n1 is down and n2 is down. Only n3 is up.');
    expect((await after(cluster, [{ type: 'restart', node: 'n2' }])).state).toBe('holds');
  });

  it('a leader that hears no replies, with check-quorum off, leads in name only: stuck; with check-quorum on another takes over', async () => {
    for (const checkQuorum of [false, true]) {
      const cluster = await lab({ preVote: true, checkQuorum });
      const leader = cluster.leader()!;
      const others = cluster.nodeIds().filter((id) => id !== leader);
      const verdict = await after(cluster, deafen(leader, others));
      if (checkQuorum) {
        expect(verdict.state, verdict.explanation).toBe('holds');
        expect(cluster.leader()).not.toBe(leader);
      } else {
        expect(verdict.state).toBe('stuck');
        expect(verdict.explanation).toContain(`${leader} still leads term`);
        expect(verdict.explanation).toContain('with check-quorum off it never notices and never steps down');
        expect(verdict.explanation).toContain('whose replies do not come back');
      }
    }
  });

  it('every node down (a power loss): no voter is up, and it names them', async () => {
    const cluster = await lab();
    const verdict = await after(cluster, [{ type: 'power-loss' }]);
    expect(verdict.state).toBe('stuck');
    expect(verdict.explanation).toContain('No quorum can form: 2 of the 3 voters must reach one another.');
    expect(verdict.explanation).toContain('n1 is down (power cut), n2 is down (power cut) and n3 is down (power cut). No voter is up.');
  });

  it('nodes still starting after a power loss report no configuration: the roster stands in for it', () => {
    // In the lab a restarted node's status starts empty until it has recovered its log.
    const view = emptyClusterView('lab', 'production', 10);
    view.nodes = ['n1', 'n2', 'n3'].map((id) => ({ ...emptyNodeView(id), life: 'starting' as const }));
    expect(diagnoseStall(view, { campaigns: [], windowMs: 1500 })).toBe(
      'No quorum can form: 2 of the 3 voters must reach one another. n1 is starting, n2 is starting and n3 is starting. No voter is up.',
    );
  });

  it('hold mode stops every message: stuck, and it says so; releasing it heals', async () => {
    const cluster = await lab();
    const verdict = await after(cluster, [{ type: 'hold', held: true }]);
    expect(verdict).toMatchObject({ state: 'stuck' });
    expect(verdict.explanation).toContain('Hold mode is on');
    expect((await after(cluster, [{ type: 'hold', held: false }])).state).toBe('holds');
  });

  it('waits, rather than judging, until the bound after the last change has passed', async () => {
    const cluster = await lab();
    await cluster.waitUntil(() => false, PAST_THE_BOUND_MS); // long past the bound since the start
    const verdict = await after(cluster, [{ type: 'kill', node: 'n1' }, { type: 'kill', node: 'n2' }], 500);
    expect(verdict.state).toBe('waiting');
  });
});
