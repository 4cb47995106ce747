// Raft's safety invariants checked live, as server/cluster/live-checker.ts does for real nodes:
// every node's observations go to one InvariantMonitor, and each violation it finds becomes a
// `violation` event. A wiped node is a new node to the checker (its old durable state is gone on
// purpose), so its observations are renamed to a new generation.
import { InvariantMonitor, type Observation, type Violation } from '../../check/index.ts';

export class SimChecker {
  private readonly monitor = new InvariantMonitor();
  private readonly generation = new Map<string, number>();

  constructor(private readonly onViolation: (violation: Violation) => void) {}

  observe(observations: readonly Observation[]): void {
    for (const observation of observations) {
      for (const violation of this.monitor.observe(this.rename(observation))) this.onViolation(violation);
    }
  }

  crashed(node: string): void {
    this.observe([{ kind: 'crash', node }]);
  }

  wiped(node: string): void {
    this.generation.set(node, (this.generation.get(node) ?? 0) + 1);
  }

  private rename(observation: Observation): Observation {
    if (this.generation.size === 0) return observation;
    const renamed = (node: string | null): string | null => (node === null ? null : this.generation.get(node) ? `${node}#${this.generation.get(node)}` : node);
    const node = renamed(observation.node)!;
    if (observation.kind === 'hard-state') return { ...observation, node, vote: renamed(observation.vote) };
    if (observation.kind === 'restart') return { ...observation, node, hardState: { ...observation.hardState, vote: renamed(observation.hardState.vote) } };
    return { ...observation, node };
  }
}
