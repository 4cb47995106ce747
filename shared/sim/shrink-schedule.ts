// A failing seed's fault schedule, shrunk to the fewest faults that still break the same property:
// delta debugging (Zeller's ddmin) over the faults of the run, each fault with its own heal (a crash
// and its restart, a partition and its heal) kept or removed together. Every trial replays the
// remaining faults exactly as they were fired (faults.ts ScriptedFaults), with the same seed for
// everything else, so a trial is as deterministic as the run it came from.
import type { FaultStep } from './fault-actions.ts';
import { describeAction } from './fault-actions.ts';
import type { SimOptions } from './options.ts';
import { runSimulation, type SimFailure, type SimResult } from './simulator.ts';

export interface ShrunkSchedule {
  /** The property the original run broke first, which every kept trial still breaks. */
  readonly property: string;
  readonly script: readonly FaultStep[];
  readonly result: SimResult;
  readonly faultsBefore: number;
  readonly faultsAfter: number;
  /** The faults left out, one line each, as the fault log says them. */
  readonly removed: readonly string[];
  readonly trials: number;
}

/** Trials at most: each is one run of the seed (tens of milliseconds). */
const DEFAULT_TRIALS = 300;

export function shrinkSchedule(options: Partial<SimOptions>, failing: SimResult, maxTrials = DEFAULT_TRIALS): ShrunkSchedule | null {
  const broken = (failure: SimFailure) => failure.kind !== 'liveness' && failure.kind !== 'undetermined';
  const first = failing.failures.find(broken);
  if (!first) return null; // a liveness timeout names no rule to keep broken, nor a search that gave up
  const property = first.invariant;
  const all = failing.script;
  const faultIds = [...new Set(all.map((step) => step.fault))];
  let trials = 0;
  let best = { ids: faultIds, result: failing };
  const fails = (ids: readonly number[]): SimResult | null => {
    trials++;
    const keep = new Set(ids);
    const result = runSimulation(options, { script: all.filter((step) => keep.has(step.fault)) });
    return result.failures.some((failure) => broken(failure) && failure.invariant === property) ? result : null;
  };

  let chunks = 2;
  while (best.ids.length >= 2 && trials < maxTrials) {
    const parts = split(best.ids, chunks);
    let reduced = false;
    for (const part of parts) {
      if (trials >= maxTrials) break;
      const complement = best.ids.filter((id) => !part.includes(id));
      const result = fails(complement);
      if (result) {
        best = { ids: complement, result };
        chunks = Math.max(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (reduced) continue;
    if (chunks >= best.ids.length) break;
    chunks = Math.min(best.ids.length, chunks * 2);
  }
  // One more try with no fault at all: some bugs need none.
  if (best.ids.length === 1 && trials < maxTrials) {
    const result = fails([]);
    if (result) best = { ids: [], result };
  }
  const kept = new Set(best.ids);
  const removed = all.filter((step) => !kept.has(step.fault) && !isHeal(step, all)).map((step) => `${step.tick}: ${describeAction(step.action)}`);
  return { property, script: best.result.script, result: best.result, faultsBefore: faultIds.length, faultsAfter: best.ids.length, removed, trials };
}

/** A heal is the later step of a fault (its first step is the fault itself). */
function isHeal(step: FaultStep, all: readonly FaultStep[]): boolean {
  return all.find((other) => other.fault === step.fault) !== step;
}

function split<T>(items: readonly T[], parts: number): T[][] {
  const size = Math.ceil(items.length / parts);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
