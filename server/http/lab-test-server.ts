// Test helper: a real lab server (real workers, real files) on an ephemeral port in a temporary
// data directory, and waits that watch a cluster's event stream instead of sleeping.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterView } from '../../shared/protocol/views.ts';
import { startLabServer, type LabServer, type LabServerOptions } from '../lab-server.ts';

export interface TestLab {
  readonly lab: LabServer;
  readonly url: string;
  readonly token: string;
  readonly dataDir: string;
  /** Resolves with the first truthy value of `predicate(view)` on `cluster`, checked on every event. */
  until<T>(cluster: string, what: string, predicate: (view: ClusterView) => T | null | undefined | false, timeoutMs?: number): Promise<T>;
  dispose(): Promise<void>;
}

export async function startTestLab(options: Partial<LabServerOptions> = {}): Promise<TestLab> {
  const dataDir = mkdtempSync(join(tmpdir(), 'raftlab-server-test-'));
  const lab = await startLabServer({ host: '127.0.0.1', port: 0, dataDir, nodes: 3, profile: 'production', webRoot: join(dataDir, 'no-web'), token: 'test-token-0001', ...options });
  return {
    lab,
    url: lab.url,
    token: lab.token,
    dataDir,
    until(cluster, what, predicate, timeoutMs = 20_000) {
      const session = lab.clusters.get(cluster);
      if (!session) return Promise.reject(new Error(`no cluster ${cluster}`));
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const value = predicate(session.cluster.view);
          if (value === null || value === undefined || value === false) return;
          cleanup();
          resolve(value as never);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        const unsubscribe = session.cluster.events.subscribe(check);
        const cleanup = (): void => {
          clearTimeout(timer);
          unsubscribe();
        };
        check();
      });
    },
    async dispose() {
      await lab.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The live leader of the highest term, if any. */
export { leaderOf as leaderIn } from '../../shared/protocol/leader-of.ts';
/** Every node alive and a voter, with a leader: what a test needs before it counts the members. */
export { formedLeader as formedIn } from '../testing/temp-cluster.ts';

/** A follower that knows its leader (a Vault standby). */
export function standbyIn(view: ClusterView): string | null {
  return view.nodes.find((node) => node.life === 'alive' && node.role === 'follower' && node.leader !== null)?.id ?? null;
}
