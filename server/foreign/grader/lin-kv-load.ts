// The grader's steady client load: a few concurrent clients of the cluster's lin-kv client, each
// writing unique values, reading, and cas-ing from what it last read, on a handful of keys. Every
// operation lands in the cluster's client history, which the linearizability verdict reads.
import type { Cluster } from '../../cluster/cluster.ts';

export interface LoadTotals {
  ok: number;
  failed: number;
  unknown: number;
}

const KEYS = ['k0', 'k1', 'k2'];
/** Real ms each client waits between two operations: at most ~400 operations a second in all. */
const PACE_MS = 5;

export class LinKvLoad {
  readonly totals: LoadTotals = { ok: 0, failed: 0, unknown: 0 };
  private running = true;
  private readonly workers: Promise<void>[];
  /** Ops that succeeded, with the real time they ended: "a write got through after the fault". */
  private lastWriteOkAt = 0;

  constructor(
    private readonly cluster: Cluster,
    clients = 2,
  ) {
    this.workers = Array.from({ length: clients }, (_, client) => this.run(client));
  }

  /** performance.now() of the last write acknowledged. */
  get lastWrite(): number {
    return this.lastWriteOkAt;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  private async run(client: number): Promise<void> {
    let seq = 0;
    const lastRead = new Map<string, string>();
    while (this.running) {
      const key = KEYS[(client + seq) % KEYS.length]!;
      const kind = seq % 3;
      seq += 1;
      const value = `c${client}-${seq}`;
      const from = lastRead.get(key);
      const result =
        kind === 0 || (kind === 2 && from === undefined)
          ? await this.cluster.execute({ type: 'put', key, value })
          : kind === 1
            ? await this.cluster.execute({ type: 'get', key })
            : await this.cluster.execute({ type: 'put', key, value, from: from! });
      if (result.ok) {
        this.totals.ok += 1;
        if (kind !== 1) this.lastWriteOkAt = performance.now();
        const read = result.result?.['value'];
        if (kind === 1 && typeof read === 'string') lastRead.set(key, read);
      } else if (result.code === 'timeout') this.totals.unknown += 1;
      else this.totals.failed += 1;
      // Paced: the history stays within what the server keeps (client-history-log.ts) on a long
      // run, and a failed operation is not retried in a tight loop against a down cluster.
      await new Promise((resolve) => setTimeout(resolve, result.ok ? PACE_MS : 20));
    }
  }
}
