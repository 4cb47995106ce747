import { describe, expect, it } from 'vitest';
import { ALL_BUGS } from '../raft/index.ts';
import { runSimulation } from './simulator.ts';

// A checker that never fails is a defect: every bug switch of the core must be caught.
const MAX_SEEDS = 500;

describe('simulator catches every bug switch of the core', () => {
  it.each(ALL_BUGS)(`%s is caught within ${MAX_SEEDS} seeds`, (bug) => {
    let caught: { seed: number; invariant: string } | null = null;
    for (let seed = 1; seed <= MAX_SEEDS && caught === null; seed++) {
      const result = runSimulation({ seed, ticks: 600, bugs: [bug] });
      if (!result.ok) caught = { seed, invariant: result.failures[0]!.invariant };
    }
    console.log(`${bug}: ${caught === null ? 'NOT caught' : `caught at seed ${caught.seed} (${caught.invariant})`}`);
    expect(caught).not.toBeNull();
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
