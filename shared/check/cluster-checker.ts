// Raft's safety invariants checked live on what a cluster's nodes do, for both hosts (the lab's
// worker nodes and the simulator's in-process ones): every node's observations go to one
// InvariantMonitor, and each violation it finds goes to the host (which makes it an event).
// A wiped node is a new node to the checker: its old durable state is gone on purpose, so its
// observations are renamed to a new generation ("n2#1").
import { InvariantMonitor } from './invariants.ts';
import type { Observation, Violation } from './observations.ts';

export interface ClusterCheckerOptions {
  /**
   * Past this many held indexes and log entries the checker stops. What it holds is pruned as the
   * nodes compact, so it stays small on a healthy run; a live node cut off for hours (its snapshot
   * point holds the prune floor back) is what could make it grow, and this bounds that.
   */
  readonly maxHeld?: number;
  /** Told once, when the checker stops at its bound: what it held, in words for the page. */
  readonly onStop?: (why: string) => void;
}

/** How often (in observations) the held size is measured against maxHeld: measuring walks the logs. */
const HELD_CHECK_EVERY = 10_000;

export class ClusterChecker {
  private readonly monitor = new InvariantMonitor();
  private readonly generation = new Map<string, number>();
  private observed = 0;
  private stopped = false;

  constructor(
    private readonly onViolation: (violation: Violation) => void,
    private readonly options: ClusterCheckerOptions = {},
  ) {}

  /** False once the checker has stopped at its bound. */
  get running(): boolean {
    return !this.stopped;
  }

  get violations(): readonly Violation[] {
    return this.monitor.violations;
  }

  observe(observations: readonly Observation[]): void {
    if (this.stopped) return;
    for (const observation of observations) {
      for (const violation of this.monitor.observe(this.rename(observation))) this.onViolation(violation);
    }
    const before = this.observed;
    this.observed += observations.length;
    if (this.options.maxHeld === undefined || Math.floor(before / HELD_CHECK_EVERY) === Math.floor(this.observed / HELD_CHECK_EVERY)) return;
    const held = this.monitor.held;
    if (held.indexes + held.logEntries <= this.options.maxHeld) return;
    this.stopped = true;
    this.options.onStop?.(
      `The live checker stopped after ${this.observed.toLocaleString('en')} observations: it held ${(held.indexes + held.logEntries).toLocaleString('en')} indexes and log entries, past its bound of ${this.options.maxHeld.toLocaleString('en')} (a node that stays up but never compacts, cut off for a long time, keeps it from forgetting). Violations after this moment are not detected; reset or recreate the cluster to check again.`,
    );
  }

  crashed(node: string): void {
    this.observe([{ kind: 'crash', node }]);
  }

  wiped(node: string): void {
    const before = this.generation.get(node) ?? 0;
    this.monitor.forget(before === 0 ? node : `${node}#${before}`);
    this.generation.set(node, before + 1);
  }

  /** What the monitor holds and how far it got, for a soak's report. */
  get progress(): { readonly observed: number; readonly indexes: number; readonly logEntries: number; readonly prunedBelow: number } {
    return { observed: this.observed, ...this.monitor.held };
  }

  private rename(observation: Observation): Observation {
    return renameByGeneration(observation, this.generation);
  }
}

/**
 * An observation with each wiped node's name for its generation ("n2#1"); the seed simulator's
 * cluster uses it too, with `votes` false: there a node's vote recorded before the wipe is still
 * reported (its next hard state repeats it), and must keep naming the old generation.
 */
export function renameByGeneration(observation: Observation, generation: ReadonlyMap<string, number>, votes = true): Observation {
  if (generation.size === 0) return observation;
  const renamed = (node: string | null): string | null => (node === null ? null : generation.get(node) ? `${node}#${generation.get(node)}` : node);
  const node = renamed(observation.node)!;
  if (!votes) return { ...observation, node };
  if (observation.kind === 'hard-state') return { ...observation, node, vote: renamed(observation.vote) };
  if (observation.kind === 'restart') return { ...observation, node, hardState: { ...observation.hardState, vote: renamed(observation.hardState.vote) } };
  return { ...observation, node };
}
