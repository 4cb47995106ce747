// A recording of every failed check, in the page's own format: the events the lab streamed for the
// graded cluster from before the check to its end, opening at the moment it failed (the recording's
// `moment`), so a student imports it on the page (Recordings → Import a recording → Replay) and
// looks at what their nodes did right there. The grader keeps the whole run on one tape
// (shared/protocol/recording-tape.ts, the fixture package's recorder's too) and cuts each check's
// stretch from it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_RECORDING_BYTES } from '../../../shared/protocol/recording.ts';
import type { RecordingTape } from '../../../shared/protocol/recording-tape.ts';
import type { CheckResult } from './battery.ts';

/** Events in one recording at most: a long check (the whole history's linearizability) keeps the
 *  stretch around its moment, most of it before (what led there). Well under the page's 64 MB. */
const MAX_EVENTS = 100_000;
const BEFORE_SHARE = 0.8;
/** Virtual ms of what led to a moment that came before its check's stretch. */
const LEAD_IN_MS = 2_000;

/** What the report card says under a failed check's line. */
export const HOW_TO_OPEN = 'open one on the lab page (npm start): Recordings → Import a recording, then Replay; it opens at the moment its check failed';

/** Writes one recording per failed check that has a stretch and a moment; returns the checks with
 *  the files' paths (each check's own file: NN-name.raftlab.json, in run order). */
export function writeFailureRecordings(tape: RecordingTape, checks: readonly CheckResult[], dir: string, implementation: string): CheckResult[] {
  let written = 0;
  return checks.map((check, index) => {
    if (check.outcome !== 'failed' || !check.span || check.failedAt === undefined) return check;
    if (written++ === 0) mkdirSync(dir, { recursive: true });
    const path = join(dir, `${String(index + 1).padStart(2, '0')}-${check.name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}.raftlab.json`);
    const recording = stretchOf(tape, check, `grade ${implementation}: ${check.name}`);
    const text = JSON.stringify(recording);
    if (text.length > MAX_RECORDING_BYTES) return { ...check, detail: `${check.detail}\n(no recording: ${text.length} bytes is more than the page imports)` };
    writeFileSync(path, text);
    return { ...check, recording: path };
  });
}

function stretchOf(tape: RecordingTape, check: CheckResult, name: string) {
  const events = tape.events;
  const { fromSeq, toSeq } = check.span!;
  const failedAt = check.failedAt!;
  // Seqs to indexes into what the tape kept (the oldest may have been folded away).
  let first = events.findIndex((event) => event.seq > fromSeq);
  if (first === -1) first = events.length;
  // A moment before the stretch (a violation the monitor found during an earlier check) pulls the
  // start back to a little before it.
  const leadIn = events.findIndex((event) => event.time >= failedAt - LEAD_IN_MS);
  if (leadIn !== -1 && leadIn < first) first = leadIn;
  let end = events.findIndex((event) => event.seq > toSeq);
  if (end === -1) end = events.length;
  if (end - first > MAX_EVENTS) {
    let at = events.findIndex((event) => event.time >= failedAt);
    if (at === -1) at = end;
    first = Math.max(first, Math.min(at - Math.floor(MAX_EVENTS * BEFORE_SHARE), end - MAX_EVENTS));
    end = Math.min(end, first + MAX_EVENTS);
  }
  const from = first === 0 ? Math.min(fromSeq, tape.start.seq) : events[first - 1]!.seq;
  const to = end === 0 ? fromSeq : events[end - 1]!.seq;
  const startTime = first === 0 ? tape.start.clock.now : events[first - 1]!.time;
  const endTime = Math.max(startTime, end === 0 ? startTime : events[end - 1]!.time);
  // The moment inside the recording, always: a moment folded off the tape opens at its start.
  const time = Math.min(endTime, Math.max(startTime, failedAt));
  const shift = time === failedAt ? '' : ` (the failure itself was at ${(failedAt / 1000).toFixed(2)} s, outside what was kept)`;
  return tape.stretch(name, from, to, { time, label: `${check.name} failed${shift}: ${check.detail.split('\n')[0]!.slice(0, 300)}` });
}
