// The examples a student starts from, run as they would be registered: the starter answers init
// and never elects (so writes are refused, definitely); the wrong Raft elects like ours (its bug only
// shows under faults); a bad flag stops a node at start with its stderr on the card.
import { afterEach, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { startTempCluster, leaderOf, type TempCluster } from '../testing/temp-cluster.ts';
import { parseImplementation } from './implementations.ts';

const labs: TempCluster[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((lab) => lab.dispose()));
});

function cluster(command: string): TempCluster {
  const lab = startTempCluster({ nodes: 3, implementation: parseImplementation(`x=${command}`) });
  labs.push(lab);
  return lab;
}

describe('examples/', () => {
  it('maelstrom-starter.js runs, answers init and never elects: a write is refused as temporarily unavailable by every node', async () => {
    const lab = cluster(resolve('examples/maelstrom-starter.js'));
    await lab.until('three starters alive', (view) => view.nodes.length === 3 && view.nodes.every((node) => node.life === 'alive'));
    const put = await lab.cluster.execute({ type: 'put', key: 'k', value: 'v' });
    expect(put).toMatchObject({ ok: false, code: 'unavailable', error: expect.stringMatching(/temporarily-unavailable \(11\): not a leader/) });
    expect(leaderOf(lab.cluster.view)).toBeNull();
    expect(lab.cluster.view.nodes.every((node) => node.note === undefined || node.note === null)).toBe(true);
  }, 30_000);

  it('wrong-raft/node.ts is our core with the vote\'s log check off: it runs and elects', async () => {
    const lab = cluster(resolve('examples/wrong-raft/node.ts'));
    expect(await lab.until('a leader', leaderOf, 60_000)).toMatch(/^n[123]$/);
  }, 90_000);

  it('a node started with a bad flag stops at once, and its card says why', async () => {
    const lab = cluster(`${resolve('examples/raftlab-core-node.ts')} --bug noSuchBug`);
    const down = await lab.until('n1 down', (view) => view.nodes.find((node) => node.id === 'n1' && node.life === 'dead'), 60_000);
    expect(down.reason).toMatch(/exited with code 2 before answering init; its stderr ended with:\nraftlab-core-node: --bug takes one of commitByCounting/);
  }, 90_000);
});
