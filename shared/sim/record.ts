// A seed's run as a recording in the page's own format (shared/protocol/recording.ts): the events
// the lab would have streamed, with the invariant monitor's violation at the moment it was found.
// A failing seed's fault schedule is shrunk first (shrink-schedule.ts), and the recording's note says
// what was left out. Open it on the page (Recordings → Import) and scrub to that moment.
import { makeRecording, type Recording } from '../protocol/recording.ts';
import { emptyClusterView } from '../protocol/reduce-view.ts';
import { TICK_MS, type SimOptions } from './options.ts';
import { shrinkSchedule, type ShrunkSchedule } from './shrink-schedule.ts';
import { recordingName, runSimulation, type SimResult } from './simulator.ts';

export interface RecordedRun {
  readonly result: SimResult;
  readonly recording: Recording;
  /** How the schedule was shrunk (null: the run did not fail a safety property, or `shrink` was off). */
  readonly shrunk: ShrunkSchedule | null;
}

export function recordSeed(options: Partial<SimOptions> & Pick<SimOptions, 'seed'>, control: { readonly shrink?: boolean } = {}): RecordedRun {
  const plain = control.shrink ? runSimulation(options) : null;
  const shrunk = plain && !plain.ok ? shrinkSchedule(options, plain) : null;
  const result = runSimulation(options, { record: true, ...(shrunk ? { script: shrunk.script } : {}) });
  const name = recordingName({ seed: options.seed, bugs: options.bugs ?? [] });
  const start = emptyClusterView(name, 'production', TICK_MS);
  const verdict = result.ok ? 'no failure' : result.failures.map((f) => f.invariant).join(', ');
  const title = `simulator seed ${options.seed}${options.bugs?.length ? ` with ${options.bugs.join(', ')}` : ''}: ${verdict}`;
  const note = shrunk ? shrinkNote(shrunk) : undefined;
  return { result, shrunk, recording: { ...makeRecording(title, start, result.events ?? []), ...(note ? { note } : {}) } };
}

function shrinkNote(shrunk: ShrunkSchedule): string {
  const kept = `The fault schedule was shrunk from ${shrunk.faultsBefore} faults to ${shrunk.faultsAfter} that still break ${shrunk.property} (${shrunk.trials} trial runs).`;
  const removed = shrunk.removed.length > 0 ? ` Removed: ${shrunk.removed.join('; ')}.` : '';
  return `${kept}${removed}`.slice(0, 4000);
}
