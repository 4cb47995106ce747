// A scenario's target on real nodes: a cluster built from the scenario's setup, its commands,
// its view, and waits that watch the event stream (time measured on the lab clock).
import type { ClusterEvent } from '../../shared/protocol/events.ts';
import type { Command, CommandResult } from '../../shared/protocol/commands.ts';
import type { ClusterView } from '../../shared/protocol/views.ts';
import type { Scenario, ScenarioTarget } from '../../shared/scenarios/types.ts';
import { Cluster, type ClusterOptions } from '../cluster/cluster.ts';
import type { ProfileName } from '../cluster/profiles.ts';

/** Events kept for expectations about the past (truncations, snapshots, torn tails). */
const HISTORY_LIMIT = 50_000;

export function clusterOptionsFor(scenario: Scenario, name: string, dataDir: string, profile: ProfileName): ClusterOptions {
  const { setup } = scenario;
  return {
    name,
    dataDir,
    profile,
    nodes: setup.nodes,
    switches: { ...(setup.preVote !== undefined ? { preVote: setup.preVote } : {}), ...(setup.checkQuorum !== undefined ? { checkQuorum: setup.checkQuorum } : {}), bugs: setup.bugs ?? [] },
    ...(setup.snapshotThreshold !== undefined ? { snapshotThreshold: setup.snapshotThreshold } : {}),
    ...(setup.maxEntriesPerMessage !== undefined ? { maxEntriesPerMessage: setup.maxEntriesPerMessage } : {}),
    ...(setup.prepared ? { prepared: setup.prepared } : {}),
    ...(setup.speed !== undefined ? { speed: setup.speed } : {}),
    // Time stands still until every node has read its disk, so no timer runs during worker start-up.
    startPaused: true,
  };
}

export class ClusterTarget implements ScenarioTarget {
  private readonly events: ClusterEvent[] = [];
  private readonly unsubscribe: () => void;

  constructor(readonly cluster: Cluster) {
    this.unsubscribe = cluster.events.subscribe((event) => {
      this.events.push(event);
      if (this.events.length > HISTORY_LIMIT * 1.2) this.events.splice(0, this.events.length - HISTORY_LIMIT);
    });
  }

  /** Waits until every node has recovered from its disk, then starts the clock (unless told not to). */
  async prepare(realTimeoutMs = 60_000, startClock = true): Promise<void> {
    const recovered = (): boolean => this.cluster.view.nodes.length > 0 && this.cluster.view.nodes.every((node) => node.life === 'alive');
    if (!recovered()) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new Error(`nodes did not start within ${realTimeoutMs} ms`));
        }, realTimeoutMs);
        const off = this.cluster.events.subscribe(() => {
          if (!recovered()) return;
          clearTimeout(timer);
          off();
          resolve();
        });
      });
    }
    if (startClock && this.cluster.clock.paused) this.cluster.setClock(undefined, false);
  }

  execute(command: Command): Promise<CommandResult> {
    return this.cluster.execute(command);
  }

  view(): ClusterView {
    return this.cluster.view;
  }

  history(): readonly ClusterEvent[] {
    return this.events;
  }

  waitUntil(ready: () => boolean, virtualMs: number): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const deadline = this.cluster.clock.now() + virtualMs;
      const check = (): void => {
        if (ready()) finish(true);
        else if (this.cluster.clock.now() >= deadline) finish(false);
      };
      const off = this.cluster.events.subscribe(check);
      // Also look at the clock when nothing happens (a paused cluster never reaches the deadline).
      const timer = setInterval(check, 50);
      const finish = (ok: boolean): void => {
        off();
        clearInterval(timer);
        resolve(ok);
      };
    });
  }

  dispose(): void {
    this.unsubscribe();
  }
}
