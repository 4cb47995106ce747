import { describe, expect, it } from 'vitest';
import { Recorder } from './recorder.ts';
import { parseRecording, makeRecording, recordingFileName } from '../../shared/protocol/recording.ts';
import { startView, stamp, status } from './fixtures.test-helpers.ts';

const events = stamp([
  { type: 'node-added', node: 'n1' },
  { type: 'node-added', node: 'n2' },
  status('n1', 'candidate', 1),
  status('n1', 'leader', 1),
  { type: 'node-killed', node: 'n1', reason: 'killed' },
  status('n2', 'leader', 2),
]);

describe('Recorder', () => {
  it('rebuilds the view at any moment with the shared reducer', () => {
    const recorder = new Recorder(startView(), events, { checkpointEvery: 2 });
    expect(recorder.events).toHaveLength(6);
    expect(recorder.viewAt(40).nodes.find((n) => n.id === 'n1')?.role).toBe('leader');
    expect(recorder.viewAt(50).nodes.find((n) => n.id === 'n1')?.life).toBe('dead');
    expect(recorder.viewAt(5).nodes).toHaveLength(0);
    expect(recorder.countUntil(35)).toBe(3);
  });

  it('ignores events it already has and forgets the oldest beyond its bound', () => {
    const recorder = new Recorder(startView(), [], { maxEvents: 4, checkpointEvery: 2 });
    recorder.append(events);
    recorder.append(events.slice(0, 3));
    expect(recorder.events.length).toBeLessThanOrEqual(4);
    expect(recorder.events.at(-1)?.seq).toBe(6);
    // The view at the end is the same however much was forgotten.
    expect(recorder.viewAt(60).nodes.find((n) => n.id === 'n2')?.role).toBe('leader');
    expect(recorder.start.seq).toBeGreaterThan(0);
  });

  it('returns events in a window of virtual time', () => {
    const recorder = new Recorder(startView(), events);
    expect(recorder.between(20, 40).map((e) => e.seq)).toEqual([2, 3, 4]);
  });
});

describe('recording files', () => {
  it('round-trips and refuses malformed or reordered files', () => {
    const recording = makeRecording('demo: kill n1', startView(), events, new Date(0));
    const parsed = parseRecording(JSON.stringify(recording));
    expect(parsed.ok).toBe(true);
    expect(recordingFileName(recording)).toBe('demo-kill-n1.raftlab.json');
    expect(parseRecording('{').ok).toBe(false);
    const wrong = parseRecording(JSON.stringify({ ...recording, format: 'other' }));
    expect(wrong.ok ? '' : wrong.error).toMatch(/not a raftlab recording/);
    const reordered = parseRecording(JSON.stringify({ ...recording, events: [events[1], events[0]] }));
    expect(reordered.ok ? '' : reordered.error).toMatch(/out of order/);
    const badEvent = parseRecording(JSON.stringify({ ...recording, events: [{ ...events[0], type: 'nope' }] }));
    expect(badEvent.ok).toBe(false);
  });
});
