// Shrinking a failing seed's faults: the shrunk schedule is smaller, still breaks the same property
// on its own, and every fault it left out was needed by nothing (ddmin keeps it 1-minimal per chunk).
import { describe, expect, it } from 'vitest';
import { recordSeed } from './record.ts';
import { shrinkSchedule } from './shrink-schedule.ts';
import { runSimulation } from './simulator.ts';

describe('shrinkSchedule', () => {
  it('keeps the fewest faults that still break the property, and they break it replayed alone', () => {
    const options = { seed: 1, bugs: ['grantVoteWithoutLogCheck' as const] };
    const failing = runSimulation(options);
    const faults = new Set(failing.script.map((step) => step.fault)).size;
    const shrunk = shrinkSchedule(options, failing)!;
    expect(shrunk.property).toBe(failing.failures[0]!.invariant);
    expect(shrunk.faultsAfter).toBeLessThan(faults);
    expect(shrunk.faultsBefore).toBe(faults);
    expect(shrunk.removed.length).toBeGreaterThan(0);
    const replayed = runSimulation(options, { script: shrunk.script });
    expect(replayed.failures.map((f) => f.invariant)).toContain(shrunk.property);
    expect(new Set(replayed.script.map((step) => step.fault)).size).toBe(shrunk.faultsAfter);
  });

  it('replays a whole schedule exactly as the seed ran it', () => {
    const options = { seed: 70, bugs: ['ackBeforePersist' as const] };
    const run = runSimulation(options);
    const replayed = runSimulation(options, { script: run.script });
    expect(replayed.stats).toEqual(run.stats);
    expect(replayed.failures).toEqual(run.failures);
  });

  it('does not shrink a run that only timed out (no rule named to keep broken)', () => {
    const run = runSimulation({ seed: 2, nodes: 3, ticks: 100 });
    expect(shrinkSchedule({ seed: 2, nodes: 3, ticks: 100 }, { ...run, failures: [{ kind: 'liveness', invariant: 'liveness', explanation: 'x' }] })).toBeNull();
  });

  it("records the shrunk run, and the recording's note says what was removed", () => {
    const { recording, shrunk, result } = recordSeed({ seed: 1, bugs: ['grantVoteWithoutLogCheck'] }, { shrink: true });
    expect(shrunk).not.toBeNull();
    expect(result.failures.map((f) => f.invariant)).toContain(shrunk!.property);
    expect(recording.note).toMatch(/shrunk from \d+ faults to \d+ that still break leader-completeness/);
    expect(recording.note).toContain(shrunk!.removed[0]!);
  });
});
