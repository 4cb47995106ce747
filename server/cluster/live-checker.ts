// Raft's safety invariants checked live on what the real nodes do (shared/check, the simulator's
// own checker). Each node's worker reports observations; crashes and wipes are added here.
import { InvariantMonitor, type Observation, type Violation } from '../../shared/check/index.ts';

/** Past this many observations the checker stops (its memory grows with the history it keeps). */
const MAX_OBSERVATIONS = 2_000_000;

export class LiveChecker {
  private monitor: InvariantMonitor;
  /** A wiped node is a new node to the checker: its old durable state is gone on purpose. */
  private readonly generation = new Map<string, number>();
  private observed = 0;
  private stopped = false;

  constructor(private readonly onViolation: (violation: Violation) => void) {
    this.monitor = new InvariantMonitor();
  }

  get running(): boolean {
    return !this.stopped;
  }

  get violations(): readonly Violation[] {
    return this.monitor.violations;
  }

  observe(observations: readonly Observation[]): void {
    if (this.stopped) return;
    for (const observation of observations) {
      const found = this.monitor.observe(this.rename(observation));
      for (const violation of found) this.onViolation(violation);
    }
    this.observed += observations.length;
    if (this.observed > MAX_OBSERVATIONS) this.stopped = true;
  }

  crashed(node: string): void {
    this.observe([{ kind: 'crash', node }]);
  }

  wiped(node: string): void {
    this.generation.set(node, (this.generation.get(node) ?? 0) + 1);
  }

  private rename(observation: Observation): Observation {
    const generation = this.generation.get(observation.node);
    if (!generation) return observation;
    const renamed = (node: string | null): string | null => (node === null ? null : this.generation.get(node) ? `${node}#${this.generation.get(node)}` : node);
    const node = renamed(observation.node)!;
    if (observation.kind === 'hard-state') return { ...observation, node, vote: renamed(observation.vote) };
    if (observation.kind === 'restart') return { ...observation, node, hardState: { ...observation.hardState, vote: renamed(observation.hardState.vote) } };
    return { ...observation, node };
  }
}
