// The seed simulator drawing disk faults (--disk-faults): slow, failing (EIO: the node stops, and
// restarts from what it had synced), full (ENOSPC: the node stops writing until space is freed).
// The correct core stays safe and live under them; the faults are data, so a run replays from its
// script; and without the option a seed's schedule is what it always was.
import { describe, expect, it } from 'vitest';
import { ALL_BUGS } from '../raft/index.ts';
import { runSimulation } from './simulator.ts';

const TICKS = 300;

describe('simulator: disk faults', () => {
  it('100 seeds with disk faults drawn: no violation, and every kind of disk fault happened', () => {
    const failing: string[] = [];
    const exercised = { diskSlow: 0, diskFailing: 0, diskFull: 0, diskFailStops: 0, diskFullRefusals: 0 };
    for (let seed = 1; seed <= 100; seed++) {
      const result = runSimulation({ seed, ticks: TICKS, nodes: seed % 4 === 0 ? 3 : 5, diskFaults: true });
      if (!result.ok) failing.push(`seed=${seed} ${result.failures[0]?.invariant}: ${result.failures[0]?.explanation}\n  replay: ${result.replay}`);
      for (const key of Object.keys(exercised) as (keyof typeof exercised)[]) exercised[key] += result.stats[key];
    }
    console.log(`disk faults, seeds 1–100: ${JSON.stringify(exercised)}`);
    expect(failing).toEqual([]);
    // About a quarter of what 100 seeds of 300 ticks do (seen: 93-102 slow, 99-106 failing, 111-127 full,
    // 80-85 fail-stops, 144-469 refusals, as the client load changed).
    expect(exercised.diskSlow).toBeGreaterThan(20);
    expect(exercised.diskFailing).toBeGreaterThan(25);
    expect(exercised.diskFull).toBeGreaterThan(25);
    expect(exercised.diskFailStops).toBeGreaterThan(20);
    expect(exercised.diskFullRefusals).toBeGreaterThan(50);
  });

  it('a corrupted log is refused at restart, and its node gets a new disk only once it is out of the configuration', () => {
    const exercised = { diskCorrupt: 0, corruptRefusals: 0, disksReplaced: 0 };
    const failing: string[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      // 600 ticks: a corruption is drawn only while there is time to repair it before the liveness phase.
      const result = runSimulation({ seed, ticks: 600, diskFaults: true });
      if (!result.ok) failing.push(`seed=${seed} ${result.failures[0]?.invariant}\n  replay: ${result.replay}`);
      for (const key of Object.keys(exercised) as (keyof typeof exercised)[]) exercised[key] += result.stats[key];
      // Every new disk went to a node the leader's configuration had let go of.
      result.faultLog.forEach((line, at) => {
        const replaced = /^(\d+): (n\d) gets a new, empty disk$/.exec(line);
        if (replaced) expect(result.faultLog.slice(0, at).some((earlier) => earlier.includes(`remove-voter ${replaced[2]}`))).toBe(true);
      });
    }
    console.log(`corruption, seeds 1–40 of 600 ticks: ${JSON.stringify(exercised)}`);
    expect(failing).toEqual([]);
    expect(exercised.diskCorrupt).toBeGreaterThan(4);
    expect(exercised.corruptRefusals).toBeGreaterThan(4);
    expect(exercised.disksReplaced).toBeGreaterThan(4);
  });

  it('a run with disk faults replays from its script alone, and its replay command says --disk-faults', () => {
    const original = runSimulation({ seed: 11, ticks: TICKS, diskFaults: true });
    expect(original.script.some((step) => step.action.type === 'disk-fault')).toBe(true);
    expect(original.replay).toMatch(/ --disk-faults$/);
    const replayed = runSimulation({ seed: 11, ticks: TICKS, diskFaults: true }, { script: original.script });
    expect(replayed.stats).toEqual(original.stats);
    expect(replayed.faultLog).toEqual(original.faultLog);
  });

  it('without the option nothing of a disk fault is drawn, and the schedule is the same one', () => {
    const plain = runSimulation({ seed: 5, ticks: TICKS });
    const off = runSimulation({ seed: 5, ticks: TICKS, diskFaults: false });
    expect(plain.script.some((step) => step.action.type === 'disk-fault')).toBe(false);
    expect(off.faultLog).toEqual(plain.faultLog);
    expect(plain.stats.diskFailStops + plain.stats.diskSlow + plain.stats.diskFull).toBe(0);
  });

  for (const bug of ALL_BUGS) {
    it(`${bug} is still caught with disk faults drawn (a safety property within 100 seeds)`, () => {
      let caught: number | null = null;
      for (let seed = 1; seed <= 100 && caught === null; seed++) {
        const result = runSimulation({ seed, bugs: [bug], diskFaults: true });
        if (result.failures.some((failure) => failure.kind === 'invariant' || failure.kind === 'linearizability')) caught = seed;
      }
      // Seen: commitByCounting at seed 19, forgetVoteOnRestart 1, ackBeforePersist 4, grantVoteWithoutLogCheck 2.
      expect(caught).not.toBeNull();
    });
  }
});
