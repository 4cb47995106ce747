// A seed's run as a recording in the page's own format (shared/protocol/recording.ts): the events
// the lab would have streamed, with the invariant monitor's violation at the moment it was found.
// Open it on the page (Recordings → Import) and scrub to that moment.
import { makeRecording, type Recording } from '../protocol/recording.ts';
import { emptyClusterView } from '../protocol/reduce-view.ts';
import { TICK_MS, type SimOptions } from './options.ts';
import { recordingName, runSimulation, type SimResult } from './simulator.ts';

export interface RecordedRun {
  readonly result: SimResult;
  readonly recording: Recording;
}

export function recordSeed(options: Partial<SimOptions> & Pick<SimOptions, 'seed'>, note?: string): RecordedRun {
  const result = runSimulation(options, { record: true });
  const name = recordingName({ seed: options.seed, bugs: options.bugs ?? [] });
  const start = emptyClusterView(name, 'production', TICK_MS);
  const verdict = result.ok ? 'no failure' : result.failures.map((f) => f.invariant).join(', ');
  const title = `simulator seed ${options.seed}${options.bugs?.length ? ` with ${options.bugs.join(', ')}` : ''}: ${verdict}`;
  return { result, recording: { ...makeRecording(title, start, result.events ?? []), ...(note ? { note } : {}) } };
}
