import { describe, expect, it } from 'vitest';
import { runSimulation } from './simulator.ts';

/** Seeds checked by `npm test`; more run with `npm run sim -- --seeds N`. */
const SEEDS = 500;
const CHUNK = 100;
const TICKS = 300;

/**
 * Floors per chunk of 100 seeds for what the faults and the load must have done: a chunk that
 * passes without crashing, partitioning or changing anything proves nothing about those faults.
 * About a quarter of what the standard mix does here (npm run sim -- --seeds 100 --ticks 300 prints
 * the totals as "exercised").
 */
const FLOORS = {
  crashes: 50,
  restarts: 50,
  partitions: 40,
  snapshotsInstalled: 8,
  membershipChanges: 15,
  /** Elections beyond each seed's first: leaders were lost and replaced. */
  reElections: 50,
  completedOperations: 1500,
  /** Interesting states: a former leader cutting its uncommitted entries, a read served by lease. */
  leaderTruncations: 15,
  leaseReads: 100,
} as const;

/** Rarer states, counted over all the chunks: a joint configuration in force on a leader. */
let jointConfigs = 0;

describe('simulator: safety and liveness of the correct core', () => {
  for (let start = 1; start <= SEEDS; start += CHUNK) {
    it(`seeds ${start}–${start + CHUNK - 1} (${TICKS} ticks, 5 nodes, faults on): no violation, and every kind of fault happened`, () => {
      const failing: string[] = [];
      const exercised = { crashes: 0, restarts: 0, partitions: 0, snapshotsInstalled: 0, membershipChanges: 0, reElections: 0, completedOperations: 0, leaderTruncations: 0, leaseReads: 0 };
      for (let seed = start; seed < start + CHUNK; seed++) {
        const result = runSimulation({ seed, ticks: TICKS, nodes: seed % 4 === 0 ? 3 : 5 });
        if (!result.ok) failing.push(`seed=${seed} ${result.failures[0]?.invariant}: ${result.failures[0]?.explanation}\n  replay: ${result.replay}`);
        const { stats } = result;
        exercised.crashes += stats.crashes;
        exercised.restarts += stats.restarts;
        exercised.partitions += stats.partitions;
        exercised.snapshotsInstalled += stats.snapshotsInstalled;
        exercised.membershipChanges += stats.membershipChanges;
        exercised.reElections += Math.max(0, stats.elections - 1);
        exercised.completedOperations += stats.completedOperations;
        exercised.leaderTruncations += stats.leaderTruncations;
        exercised.leaseReads += stats.leaseReads;
        jointConfigs += stats.jointConfigs;
      }
      console.log(`seeds ${start}–${start + CHUNK - 1}: ${JSON.stringify(exercised)}`);
      expect(failing).toEqual([]);
      const short = (Object.entries(FLOORS) as Array<[keyof typeof FLOORS, number]>).filter(([what, floor]) => exercised[what] < floor).map(([what, floor]) => `${what}: ${exercised[what]} < ${floor}`);
      expect(short).toEqual([]);
    });
  }
  it(`reached a joint configuration on a leader in the ${SEEDS} seeds`, () => {
    expect(jointConfigs).toBeGreaterThan(0);
  });
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
    // A bug's fault mix without the bug (the control run of bugs.test.ts), and a bug without its mix.
    expect(runSimulation({ seed: 9, ticks: 100, nodes: 3, mix: ['forgetVoteOnRestart'] }).replay).toBe('npm run sim -- --seed 9 --nodes 3 --ticks 100 --mix forgetVoteOnRestart');
    expect(runSimulation({ seed: 9, ticks: 100, nodes: 3, bugs: ['forgetVoteOnRestart'], mix: [] }).replay).toBe('npm run sim -- --seed 9 --nodes 3 --ticks 100 --bug forgetVoteOnRestart --mix standard');
  });
});
