// A steady client load for fault tests: several writers, each writing its own keys in a closed
// loop, recording which writes were acknowledged. Every acknowledged write must survive.
import type { Cluster } from '../cluster/cluster.ts';

export interface LoadResult {
  /** key → value of every write the cluster acknowledged. */
  readonly acknowledged: Map<string, string>;
  /** Writes that ended "unknown" (may or may not have happened) or failed definitely. */
  readonly uncertain: number;
  readonly failed: number;
}

export interface WriteLoad {
  stop(): Promise<LoadResult>;
  /** Resolves once at least `count` writes have been acknowledged. */
  acknowledgedAtLeast(count: number): Promise<void>;
  /** Writes acknowledged so far. */
  acknowledgedCount(): number;
}

/** `pauseAfterFailureMs`: how long a writer waits after a write that did not succeed, as a client
 *  backs off (default 0: straight on, as the fault tests want). */
export function startWriteLoad(cluster: Cluster, writers = 3, pauseAfterFailureMs = 0): WriteLoad {
  const acknowledged = new Map<string, string>();
  let uncertain = 0;
  let failed = 0;
  let running = true;
  const waiters: { count: number; resolve: () => void }[] = [];
  const loops = Array.from({ length: writers }, async (_, writer) => {
    for (let n = 0; running; n++) {
      const key = `w${writer}/k${n}`;
      const value = `v${writer}-${n}`;
      const result = await cluster.execute({ type: 'put', key, value });
      if (result.ok) acknowledged.set(key, value);
      else if (result.code === 'timeout') uncertain += 1;
      else failed += 1;
      if (!result.ok && pauseAfterFailureMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseAfterFailureMs));
      for (const waiter of [...waiters]) {
        if (acknowledged.size >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    }
  });
  return {
    acknowledgedCount: () => acknowledged.size,
    acknowledgedAtLeast(count) {
      if (acknowledged.size >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      return { acknowledged, uncertain, failed };
    },
  };
}
