// A steady client load for fault tests: several writers, each writing its own keys in a closed
// loop, recording which writes were acknowledged. Every acknowledged write must survive.
import type { Cluster } from '../cluster/cluster.ts';

export interface LoadResult {
  /** key → value of every write the cluster acknowledged. */
  readonly acknowledged: Map<string, string>;
  /** Writes that ended "unknown" (may or may not have happened) or failed definitely. */
  readonly uncertain: number;
  readonly failed: number;
  /** key → values written after its last acknowledged one that ended "unknown": each may have
   *  been applied, so a read may find one of them instead (only when keys are written again). */
  readonly maybe: Map<string, string[]>;
  /** Writes acknowledged, counting each write of a key written again. */
  readonly acknowledgedWrites: number;
}

export interface WriteLoadOptions {
  /** How long a writer waits after a write that did not succeed, as a client backs off (default 0). */
  readonly pauseAfterFailureMs?: number;
  /** Keys per writer, written round and round (default: a new key for every write). A long run
   *  needs it: the store takes at most 100,000 keys. */
  readonly keysPerWriter?: number;
}

export interface WriteLoad {
  stop(): Promise<LoadResult>;
  /** Resolves once at least `count` writes have been acknowledged. */
  acknowledgedAtLeast(count: number): Promise<void>;
  /** Writes acknowledged so far. */
  acknowledgedCount(): number;
}

export function startWriteLoad(cluster: Cluster, writers = 3, options: WriteLoadOptions = {}): WriteLoad {
  const { pauseAfterFailureMs = 0, keysPerWriter } = options;
  const maybe = new Map<string, string[]>();
  let acknowledgedWrites = 0;
  const acknowledged = new Map<string, string>();
  let uncertain = 0;
  let failed = 0;
  let running = true;
  const waiters: { count: number; resolve: () => void }[] = [];
  const loops = Array.from({ length: writers }, async (_, writer) => {
    for (let n = 0; running; n++) {
      const key = `w${writer}/k${keysPerWriter === undefined ? n : n % keysPerWriter}`;
      const value = `v${writer}-${n}`;
      const result = await cluster.execute({ type: 'put', key, value });
      if (result.ok) {
        acknowledged.set(key, value);
        maybe.delete(key);
        acknowledgedWrites += 1;
      } else if (result.code === 'timeout') {
        uncertain += 1;
        maybe.set(key, [...(maybe.get(key) ?? []), value]);
      } else failed += 1;
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
      return { acknowledged, uncertain, failed, maybe, acknowledgedWrites };
    },
  };
}
