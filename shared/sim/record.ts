// A seed's run as a recording in the page's own format (shared/protocol/recording.ts): the events
// the lab would have streamed, with the invariant monitor's violation at the moment it was found.
// A failing seed's fault schedule is shrunk first (shrink-schedule.ts), and the recording's note says
// what was left out. Open it on the page (Recordings → Import) and scrub to that moment.
import { makeRecording, type Recording } from '../protocol/recording.ts';
import { emptyClusterView } from '../protocol/reduce-view.ts';
import { DEFAULT_OPTIONS, TICK_MS, type SimOptions } from './options.ts';
import type { FaultStep } from './fault-actions.ts';
import { shrinkSchedule, type ShrunkSchedule } from './shrink-schedule.ts';
import { recordingName, runSimulation, type SimResult } from './simulator.ts';

export interface RecordedRun {
  readonly result: SimResult;
  readonly recording: Recording;
  /** How the schedule was shrunk (null: the run did not fail a safety property, or `shrink` was off). */
  readonly shrunk: ShrunkSchedule | null;
}

export function recordSeed(partial: Partial<SimOptions> & Pick<SimOptions, 'seed'>, control: { readonly shrink?: boolean; readonly script?: readonly FaultStep[] } = {}): RecordedRun {
  const options: SimOptions = { ...DEFAULT_OPTIONS, ...partial };
  const plain = control.shrink ? runSimulation(options, control.script ? { script: control.script } : {}) : null;
  const shrunk = plain && !plain.ok ? shrinkSchedule(options, plain) : null;
  const script = shrunk?.script ?? control.script;
  const result = runSimulation(options, { record: true, ...(script ? { script } : {}) });
  const name = recordingName({ seed: options.seed, bugs: options.bugs ?? [] });
  const start = emptyClusterView(name, 'production', TICK_MS);
  const verdict = result.ok ? 'no failure' : result.failures.map((f) => f.invariant).join(', ');
  const title = `simulator seed ${options.seed}${options.bugs?.length ? ` with ${options.bugs.join(', ')}` : ''}: ${verdict}`;
  const note = shrunk ? shrinkNote(shrunk) : undefined;
  // The run as data too: the page can branch off any moment of it (what-if.ts).
  const simulation = {
    options: {
      seed: options.seed, nodes: options.nodes, ticks: options.ticks, bugs: [...options.bugs], faults: options.faults,
      ...(options.reads ? { reads: options.reads } : {}), ...(options.mix ? { mix: [...options.mix] } : {}),
    },
    script: result.script.map((step) => structuredClone(step) as Recording['simulation'] extends infer S ? S extends { script: (infer T)[] } ? T : never : never),
  };
  return { result, shrunk, recording: { ...makeRecording(title, start, result.events ?? []), ...(note ? { note } : {}), simulation } };
}

function shrinkNote(shrunk: ShrunkSchedule): string {
  const kept = `The fault schedule was shrunk from ${shrunk.faultsBefore} faults to ${shrunk.faultsAfter} that still break ${shrunk.property} (${shrunk.trials} trial runs).`;
  const removed = shrunk.removed.length > 0 ? ` Removed: ${shrunk.removed.join('; ')}.` : '';
  return `${kept}${removed}`.slice(0, 4000);
}
