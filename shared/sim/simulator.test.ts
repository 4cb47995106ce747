import { describe, expect, it } from 'vitest';
import { runSimulation } from './simulator.ts';

/** Seeds checked by `npm test`; more run with `npm run sim -- --seeds N`. */
const SEEDS = 500;
const CHUNK = 100;
const TICKS = 300;

describe('simulator: safety and liveness of the correct core', () => {
  for (let start = 1; start <= SEEDS; start += CHUNK) {
    it(`seeds ${start}–${start + CHUNK - 1} (${TICKS} ticks, 5 nodes, faults on): no violation`, () => {
      const failing: string[] = [];
      for (let seed = start; seed < start + CHUNK; seed++) {
        const result = runSimulation({ seed, ticks: TICKS, nodes: seed % 4 === 0 ? 3 : 5 });
        if (!result.ok) failing.push(`seed=${seed} ${result.failures[0]?.invariant}: ${result.failures[0]?.explanation}\n  replay: ${result.replay}`);
      }
      expect(failing).toEqual([]);
    });
  }
});

describe('simulator: determinism and reporting', () => {
  it('replays a seed exactly', () => {
    const a = runSimulation({ seed: 42, ticks: 400 });
    const b = runSimulation({ seed: 42, ticks: 400 });
    expect(a).toEqual(b);
    expect(runSimulation({ seed: 43, ticks: 400 }).stats).not.toEqual(a.stats);
  });

  it('does real work: elections, commits, completed client operations', () => {
    const result = runSimulation({ seed: 7, ticks: 600 });
    expect(result.ok).toBe(true);
    expect(result.stats.committedIndex).toBeGreaterThan(50);
    expect(result.stats.completedOperations).toBeGreaterThan(50);
    expect(result.stats.messages).toBeGreaterThan(1000);
  });

  it('runs without faults and with one node', () => {
    expect(runSimulation({ seed: 3, ticks: 300, faults: false }).ok).toBe(true);
    expect(runSimulation({ seed: 3, ticks: 300, nodes: 1 }).ok).toBe(true);
  });

  it('prints the exact replay command', () => {
    const result = runSimulation({ seed: 9, ticks: 100, nodes: 3, bugs: ['forgetVoteOnRestart'] });
    expect(result.replay).toBe('npm run sim -- --seed 9 --nodes 3 --ticks 100 --bug forgetVoteOnRestart');
  });
});
