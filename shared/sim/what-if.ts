// What if: on a simulator recording, pick a moment and a change (kill a node, restart it, isolate it,
// heal the network) and run the same seed with the same faults up to that moment plus the change,
// then on as it goes. Everything before the moment is the original run, event for event (the same
// seed, the same faults replayed as data); from there it is a new branch. Runs anywhere the
// simulator runs: in the page too.
import { asSimulation, type Simulation } from './simulation-schema.ts';
import { simulationSchema } from './simulation-schema.ts';
import type { FaultAction, FaultStep } from './fault-actions.ts';
import { TICK_MS } from './options.ts';
import { recordSeed } from './record.ts';
import type { Recording } from '../protocol/recording.ts';

export type WhatIfChange =
  | { readonly type: 'kill'; readonly node: string }
  | { readonly type: 'restart'; readonly node: string }
  | { readonly type: 'isolate'; readonly node: string }
  | { readonly type: 'heal' };

export function describeChange(change: WhatIfChange): string {
  return change.type === 'heal' ? 'heal the network' : `${change.type} ${change.node}`;
}

/** The recording's simulation, if it has one (validated again: the recording came from a file). */
export function simulationOf(recording: Recording): Simulation | null {
  if (!recording.simulation) return null;
  const parsed = simulationSchema.safeParse(recording.simulation);
  return parsed.success ? asSimulation(parsed.data) : null;
}

/** A new recording: the original run up to `atMs`, the change there, and on from it. */
export function branchAt(recording: Recording, atMs: number, change: WhatIfChange): Recording {
  const simulation = simulationOf(recording);
  if (!simulation) throw new Error('only a simulator recording can be branched (it carries its seed and faults)');
  const { options, script } = simulation;
  if (change.type !== 'heal' && !/^n[1-9]$/.test(change.node)) throw new Error(`no node ${change.node}`);
  const tick = Math.max(0, Math.floor(atMs / TICK_MS));
  if (tick >= options.ticks) throw new Error(`the moment must be in the faulty phase (before ${(options.ticks * TICK_MS) / 1000} s)`);
  const fault = Math.max(0, ...script.map((step) => step.fault)) + 1;
  const injected: FaultStep[] = actionsFor(change).map((action) => ({ tick, phase: 'tick', fault, action }));
  // After the original's steps of that tick: the branch is the original up to the change.
  const at = script.findIndex((step) => step.tick > tick);
  const branched = at === -1 ? [...script, ...injected] : [...script.slice(0, at), ...injected, ...script.slice(at)];
  const run = recordSeed(options, { script: branched });
  const when = `${(tick * TICK_MS / 1000).toFixed(2)} s`;
  return {
    ...run.recording,
    name: `${recording.name} · what if ${describeChange(change)} at ${when}`.slice(0, 200),
    note: `A branch of “${recording.name}”: the same seed and faults up to ${when}, then ${describeChange(change)}.`,
  };
}

function actionsFor(change: WhatIfChange): FaultAction[] {
  switch (change.type) {
    case 'kill':
      return [{ type: 'crash', node: change.node }];
    case 'restart':
      return [{ type: 'restart', node: change.node }];
    case 'isolate':
      return [{ type: 'isolate', node: change.node }];
    case 'heal':
      return [{ type: 'heal-partition' }, { type: 'network', loss: 0, duplicate: 0, reorder: 0 }];
  }
}
