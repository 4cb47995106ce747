// What if: a branch off a simulator recording is the original run, event for event, up to the
// chosen moment, and a different run after it, because of the change made there.
import { describe, expect, it } from 'vitest';
import { parseRecording } from '../protocol/recording.ts';
import { recordSeed } from './record.ts';
import { branchAt, simulationOf } from './what-if.ts';

describe('branchAt', () => {
  const original = recordSeed({ seed: 5, nodes: 3, ticks: 300 }).recording;
  const leaderAt = (recording: typeof original, ms: number): string | null => {
    let leader: string | null = null;
    for (const event of recording.events) {
      if (event.time > ms) break;
      if (event.type === 'node-status' && event.status.role === 'leader') leader = event.node;
    }
    return leader;
  };

  it('replays the original to the moment, then goes on differently because of the change', () => {
    const at = 1500;
    const victim = leaderAt(original, at);
    expect(victim).not.toBeNull();
    const branch = branchAt(original, at, { type: 'kill', node: victim! });
    const before = (recording: typeof original) => recording.events.filter((event) => event.time < at).map((event) => JSON.stringify(event));
    expect(before(branch)).toEqual(before(original));
    const killedThere = branch.events.find((event) => event.type === 'node-killed' && event.node === victim && event.time >= at);
    expect(killedThere?.time).toBe(at);
    expect(branch.events.map((event) => JSON.stringify(event))).not.toEqual(original.events.map((event) => JSON.stringify(event)));
    expect(branch.name).toMatch(new RegExp(`what if kill ${victim} at 1\\.50 s`));
    // A branch is a recording like any other, and can be branched again.
    const parsed = parseRecording(JSON.stringify(branch));
    expect(parsed.ok).toBe(true);
    expect(simulationOf(branch)).not.toBeNull();
  });

  it('refuses what it cannot do: a recording from the lab, a moment past the faults, an unknown node', () => {
    const { simulation: _simulation, ...fromTheLab } = original;
    expect(() => branchAt(fromTheLab, 100, { type: 'heal' })).toThrow(/only a simulator recording/);
    expect(() => branchAt(original, 3_000_000, { type: 'heal' })).toThrow(/faulty phase/);
    expect(() => branchAt(original, 100, { type: 'kill', node: 'x; rm -rf /' })).toThrow(/no node/);
  });
});
