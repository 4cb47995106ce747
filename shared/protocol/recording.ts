// A recording as a file: what the page saw of a cluster (a starting view and every event after it),
// in the same shape whether the page saved it or the simulator wrote it (npm run sim -- --record),
// validated on import with the protocol's own schemas, so a hand-edited or truncated file is refused
// with a sentence instead of breaking the replay.
import { z } from 'zod';
import { clusterEventSchema, type ClusterEvent } from './events.ts';
import { clusterViewSchema, type ClusterView } from './views.ts';
import { describeValidationError } from './commands.ts';
import { simulationSchema } from '../sim/simulation-schema.ts';

export const RECORDING_FORMAT = 'raftlab-recording';
export const MAX_RECORDING_BYTES = 64 * 1024 * 1024;

export const recordingMomentSchema = z.object({ time: z.number().finite().nonnegative(), label: z.string().min(1).max(500) });
export type RecordingMoment = z.infer<typeof recordingMomentSchema>;

export const recordingSchema = z.object({
  format: z.literal(RECORDING_FORMAT),
  version: z.literal(1),
  name: z.string().min(1).max(200),
  savedAt: z.string().max(40),
  cluster: z.string().max(64),
  start: clusterViewSchema,
  events: z.array(clusterEventSchema).max(1_000_000),
  /** What a person should know before watching (the simulator says what shrinking removed). */
  note: z.string().max(4000).optional(),
  /** A simulator run's seed and faults: the page can branch off it at any moment (what-if). */
  simulation: simulationSchema.optional(),
  /** Where the page opens it (virtual ms, within the recording) and why: the grader's failed check
   *  opens at the moment it failed. Without one it opens at its start. */
  moment: recordingMomentSchema.optional(),
});
export type Recording = z.infer<typeof recordingSchema>;

export function makeRecording(name: string, start: ClusterView, events: readonly ClusterEvent[], savedAt = new Date()): Recording {
  return { format: RECORDING_FORMAT, version: 1, name, savedAt: savedAt.toISOString(), cluster: start.name, start, events: [...events] };
}

export type ImportOutcome = { ok: true; recording: Recording } | { ok: false; error: string };

export function parseRecording(text: string): ImportOutcome {
  if (text.length > MAX_RECORDING_BYTES) return { ok: false, error: 'the file is larger than 64 MB' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'the file is not JSON' };
  }
  const parsed = recordingSchema.safeParse(json);
  if (!parsed.success) return { ok: false, error: `not a raftlab recording: ${describeValidationError(parsed.error)}` };
  const recording = parsed.data;
  // Events must follow the starting view in order; a reordered file would replay a different past.
  let seq = recording.start.seq;
  for (const event of recording.events) {
    if (event.seq <= seq) return { ok: false, error: `events are out of order at seq ${event.seq}` };
    seq = event.seq;
  }
  const { moment } = recording;
  if (moment && (moment.time < recording.start.clock.now || moment.time > Math.max(recording.start.clock.now, recording.events.at(-1)?.time ?? 0))) {
    return { ok: false, error: `its moment (${moment.time} ms) is outside the recording` };
  }
  return { ok: true, recording };
}

export function recordingFileName(recording: Recording): string {
  const safe = recording.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'recording';
  return `${safe}.raftlab.json`;
}
