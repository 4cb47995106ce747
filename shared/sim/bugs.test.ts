import { describe, expect, it } from 'vitest';
import type { InvariantName } from '../check/index.ts';
import { ALL_BUGS, type BugName } from '../raft/index.ts';
import { DEFAULT_OPTIONS, faultProfile, type SimOptions } from './options.ts';
import { runSimulation, type SimFailure, type SimResult } from './simulator.ts';
import { shrinkSchedule } from './shrink-schedule.ts';

// A checker that never fails is a defect: every bug switch of the core must be caught, by the
// safety property that bug breaks. "Some seed failed" is not enough: a liveness timeout, or a
// failure the bug's fault mix causes on its own, would pass that too.
const MAX_SEEDS = 500;
const TICKS = 600;
/** The correct core runs at least this many seeds of each mix (a bug caught at seed 1 still gets
 *  a real control run). */
const MIN_CONTROL_SEEDS = 25;

/**
 * What each bug breaks, as the invariant monitor names it. ackBeforePersist: the monitor sees only
 * what a node persisted, so a promise sent early and lost in a crash never shows as "durability"
 * (which compares a restart with what was persisted); it shows as what the lost promise does next:
 * an entry committed on a majority that no longer holds it (a leader without it, or two nodes
 * applying different entries at its index). Durability stays in the set: it is the rule broken.
 */
const BROKEN_BY: Readonly<Record<BugName, readonly InvariantName[]>> = {
  commitByCounting: ['state-machine-safety', 'leader-completeness'],
  forgetVoteOnRestart: ['election-safety', 'single-vote'],
  ackBeforePersist: ['durability', 'state-machine-safety', 'leader-completeness'],
  grantVoteWithoutLogCheck: ['leader-completeness'],
};

function describeFailure(seed: number, failure: SimFailure | undefined): string {
  return `seed ${seed}: ${failure?.kind} ${failure?.invariant}: ${failure?.explanation}`;
}

describe('simulator catches every bug switch of the core', () => {
  it.each(ALL_BUGS)(`%s breaks its own safety property within ${MAX_SEEDS} seeds, and the same seeds pass under the same faults without it`, (bug) => {
    // The mix of faults a bug leans toward must be selectable without the bug, and be the same.
    const withBug: Partial<SimOptions> = { ticks: TICKS, bugs: [bug] };
    const withoutBug: Partial<SimOptions> = { ticks: TICKS, bugs: [], mix: [bug] };
    expect(faultProfile({ ...DEFAULT_OPTIONS, ...withoutBug })).toEqual(faultProfile({ ...DEFAULT_OPTIONS, ...withBug }));

    let caught: { seed: number; failure: SimFailure | undefined; result: SimResult } | null = null;
    for (let seed = 1; seed <= MAX_SEEDS && caught === null; seed++) {
      const result = runSimulation({ ...withBug, seed });
      if (!result.ok) caught = { seed, failure: result.failures[0], result };
    }
    console.log(`${bug}: ${caught === null ? 'NOT caught' : `first failure at seed ${caught.seed} (${caught.failure?.kind} ${caught.failure?.invariant})`}`);
    expect(caught, `${bug} not caught within ${MAX_SEEDS} seeds`).not.toBeNull();
    // The FIRST failing seed must fail on a safety invariant of this bug's, not time out.
    const { seed: catching, failure } = caught!;
    expect(failure?.kind, describeFailure(catching, failure)).toBe('invariant');
    expect(BROKEN_BY[bug], describeFailure(catching, failure)).toContain(failure?.invariant);
    // Its schedule shrinks to faults that still break the same property on their own.
    const shrunk = shrinkSchedule({ ...withBug, seed: catching }, caught!.result);
    expect(shrunk?.property).toBe(failure?.invariant);
    expect(shrunk!.faultsAfter).toBeLessThanOrEqual(shrunk!.faultsBefore);
    expect(runSimulation({ ...withBug, seed: catching }, { script: shrunk!.script }).failures.map((f) => f.invariant)).toContain(failure?.invariant);
    console.log(`${bug}: seed ${catching}'s schedule shrunk from ${shrunk!.faultsBefore} faults to ${shrunk!.faultsAfter} (${shrunk!.trials} trials)`);

    // The correct core under the same mix, seed for seed up to the catching one (and a few more):
    // nothing fails, so the failure above is the bug's and not the faults'.
    const failing: string[] = [];
    for (let seed = 1; seed <= Math.max(catching, MIN_CONTROL_SEEDS); seed++) {
      const result = runSimulation({ ...withoutBug, seed });
      if (!result.ok) failing.push(`${describeFailure(seed, result.failures[0])}\n  replay: ${result.replay}`);
    }
    expect(failing).toEqual([]);
  });
});

describe('simulator catches stale reads with the linearizability checker', () => {
  it('reads served from any node\'s local state machine are caught within 100 seeds', () => {
    let caught: string | null = null;
    for (let seed = 1; seed <= 100 && caught === null; seed++) {
      const result = runSimulation({ seed, ticks: 600, reads: 'local' });
      const failure = result.failures.find((f) => f.kind === 'linearizability');
      if (failure !== undefined) caught = failure.explanation;
    }
    expect(caught).toMatch(/is not linearizable/);
  });
});
