// Many stops of one node at once (a chaos kill racing a person's, power loss racing a reset): one
// termination of its worker, every caller told when it is down, and no listener piled up per caller.
import { afterEach, expect, it } from 'vitest';
import { leaderOf, startTempCluster, type TempCluster } from '../testing/temp-cluster.ts';

let lab: TempCluster | null = null;
afterEach(async () => {
  await lab?.dispose();
  lab = null;
});

it('twelve concurrent kills of a node terminate its worker once, without a listener warning', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  try {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    await lab.until('a leader', (view) => leaderOf(view));
    const results = await Promise.all(Array.from({ length: 12 }, () => cluster.execute({ type: 'kill', node: 'n2' })));
    // The first is the kill; the others found it already going down, or joined it.
    expect(results.filter((result) => result.ok).length).toBeGreaterThanOrEqual(1);
    for (const result of results) if (!result.ok) expect(result.code).toBe('conflict');
    await lab.until('n2 down', (view) => view.nodes.find((node) => node.id === 'n2')?.life === 'dead');
    const restarted = await cluster.execute({ type: 'restart', node: 'n2' });
    expect(restarted.ok).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((text) => text.includes('MaxListenersExceeded'))).toEqual([]);
  } finally {
    process.off('warning', onWarning);
  }
});
