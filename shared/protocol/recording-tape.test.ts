// The tape both recorders keep: a stretch of it is a recording the page's parser accepts, starting
// from the view right before it and opening at its moment; a moment outside the recording is
// refused on import, and a recording without one (older files, the simulator's) is still valid.
import { describe, expect, it } from 'vitest';
import type { ClusterEvent } from './events.ts';
import { parseRecording } from './recording.ts';
import { RecordingTape } from './recording-tape.ts';
import { emptyClusterView, emptyNodeView } from './reduce-view.ts';

const start = () => ({ ...emptyClusterView('grade', 'production', 10), nodes: [emptyNodeView('n1')] });
const note = (seq: number, time: number): ClusterEvent => ({ type: 'node-note', node: 'n1', note: `note ${seq}`, seq, time });

describe('RecordingTape', () => {
  it('cuts a stretch that starts from the view before it and opens at its moment', () => {
    const tape = new RecordingTape(start());
    tape.append([note(1, 100), note(2, 200), note(2, 200), note(3, 300), note(4, 400)]);
    expect(tape.events.map((event) => event.seq)).toEqual([1, 2, 3, 4]);
    const stretch = tape.stretch('a check', 2, 3, { time: 300, label: 'it failed here' });
    const parsed = parseRecording(JSON.stringify(stretch));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.recording.events.map((event) => event.seq)).toEqual([3]);
    expect(parsed.recording.start.seq).toBe(2);
    expect(parsed.recording.start.nodes[0]!.note).toBe('note 2');
    expect(parsed.recording.start.clock.now).toBe(200);
    expect(parsed.recording.moment).toEqual({ time: 300, label: 'it failed here' });
  });

  it('folds the oldest events into its start past its bound', () => {
    const tape = new RecordingTape(start(), 10);
    tape.append(Array.from({ length: 20 }, (_, i) => note(i + 1, (i + 1) * 10)));
    expect(tape.events).toHaveLength(10);
    expect(tape.start.seq).toBe(10);
    expect(tape.start.nodes[0]!.note).toBe('note 10');
    expect(parseRecording(JSON.stringify(tape.recording('all'))).ok).toBe(true);
  });

  it('a moment outside the recording is refused; none at all is fine', () => {
    const tape = new RecordingTape(start());
    tape.append([note(1, 100), note(2, 200)]);
    const outside = parseRecording(JSON.stringify(tape.stretch('late', 0, 2, { time: 900, label: 'after the end' })));
    expect(outside).toEqual({ ok: false, error: 'its moment (900 ms) is outside the recording' });
    expect(parseRecording(JSON.stringify(tape.stretch('bad', 0, 2, { time: 100, label: '' }))).ok).toBe(false);
    expect(parseRecording(JSON.stringify(tape.recording('plain'))).ok).toBe(true);
  });
});
