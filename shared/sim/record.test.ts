// A failing seed as something to watch: the recording is in the page's format, validates with the
// page's own parser, and replays (with the page's reducer) to a view in which the invariant monitor
// turns red at the moment the simulator's monitor found the violation.
import { describe, expect, it } from 'vitest';
import { applyEvent } from '../protocol/reduce-view.ts';
import { parseRecording } from '../protocol/recording.ts';
import { recordSeed } from './record.ts';
import { runSimulation } from './simulator.ts';

describe('recordSeed', () => {
  it("writes a failing seed as a recording the page opens, red at the violation's moment", () => {
    const { result, recording } = recordSeed({ seed: 1, bugs: ['forgetVoteOnRestart'] });
    expect(result.ok).toBe(false);
    const parsed = parseRecording(JSON.stringify(recording));
    if (!parsed.ok) throw new Error(parsed.error);
    const events = parsed.recording.events;
    const violation = events.find((event) => event.type === 'violation');
    expect(violation).toMatchObject({ type: 'violation', invariant: result.failures[0]!.invariant });
    expect(violation!.time).toBeGreaterThan(0);

    // Replayed as the page does: green just before, red from that event on.
    const view = structuredClone(parsed.recording.start);
    for (const event of events) {
      if (event.seq === violation!.seq) expect(view.violations).toEqual([]);
      applyEvent(view, event);
    }
    expect(view.violations.map((v) => v.invariant)).toContain(result.failures[0]!.invariant);
    expect(view.nodes.map((node) => node.id)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    // Every message crossed the one bus and is in the recording.
    expect(events.filter((event) => event.type === 'message-sent')).toHaveLength(result.stats.messages);
    expect(events.some((event) => event.type === 'node-killed')).toBe(true);
    expect(events.some((event) => event.type === 'log-appended')).toBe(true);
  });

  it('records a seed that passes too, and the recorded run is the same run', () => {
    const { result, recording } = recordSeed({ seed: 3, nodes: 3, ticks: 200 });
    expect(result.ok).toBe(true);
    expect(recording.events.some((event) => event.type === 'violation')).toBe(false);
    expect(recording.name).toMatch(/seed 3: no failure/);
    const plain = runSimulation({ seed: 3, nodes: 3, ticks: 200 });
    expect(result.stats).toEqual(plain.stats);
    expect(result.faultLog).toEqual(plain.faultLog);
  });
});
