// Test helper: a real cluster (real workers, real files) in a temporary directory, plus waits
// that watch its event stream instead of sleeping.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, type ClusterOptions } from '../cluster/cluster.ts';
import type { ClusterEvent } from '../../shared/protocol/events.ts';
import type { ClusterView } from '../../shared/protocol/views.ts';
import { leaderOf } from '../../shared/protocol/leader-of.ts';

export interface TempCluster {
  readonly cluster: Cluster;
  readonly dataDir: string;
  /** Resolves when `predicate(view)` holds (checked on every event); rejects after `timeoutMs`. */
  until<T>(what: string, predicate: (view: ClusterView) => T | null | undefined | false, timeoutMs?: number): Promise<T>;
  /** Resolves once no event has happened for `quietMs` real milliseconds. */
  settled(quietMs: number): Promise<void>;
  dispose(): Promise<void>;
}

export function startTempCluster(options: Partial<ClusterOptions> = {}): TempCluster {
  const dataDir = mkdtempSync(join(tmpdir(), 'raftlab-test-'));
  const cluster = new Cluster({ name: 'test', nodes: 3, profile: 'production', dataDir, ...options });
  cluster.start();
  return {
    cluster,
    dataDir,
    until(what, predicate, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const value = predicate(cluster.view);
          if (value === null || value === undefined || value === false) return false;
          cleanup();
          resolve(value as never);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        const unsubscribe = cluster.events.subscribe(() => void check());
        const cleanup = (): void => {
          clearTimeout(timer);
          unsubscribe();
        };
        check();
      });
    },
    settled(quietMs) {
      return new Promise((resolve) => {
        let timer = setTimeout(done, quietMs);
        const unsubscribe = cluster.events.subscribe(() => {
          clearTimeout(timer);
          timer = setTimeout(done, quietMs);
        });
        function done(): void {
          unsubscribe();
          resolve();
        }
      });
    },
    async dispose() {
      await cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The live leader of the highest term, if any. */
export { leaderOf };

/** Every node alive and a voter, one leader, every state machine caught up with its commit: the leader, or null. */
export function formedLeader(view: ClusterView): string | null {
  const leaderId = leaderOf(view);
  const leader = view.nodes.find((node) => node.id === leaderId);
  if (!leader || leader.config.voters.length !== view.nodes.length) return null;
  return view.nodes.every((node) => node.life === 'alive' && node.applied >= leader.commit) ? leader.id : null;
}

/** The next event of `type` about `node` from now on; rejects after `timeoutMs`. */
export function nextEvent<T extends ClusterEvent['type']>(cluster: Cluster, type: T, node: string, timeoutMs = 30_000): Promise<Extract<ClusterEvent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${type} event for ${node} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = cluster.events.subscribe((event) => {
      if (event.type !== type || !('node' in event) || event.node !== node) return;
      clearTimeout(timer);
      off();
      resolve(event as Extract<ClusterEvent, { type: T }>);
    });
  });
}
