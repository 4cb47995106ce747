// Faults by intent, each a step of the report ("kill n2", "partition n1 n2 | n3 n4 n5"), carried
// out through the lab's own commands on the test's cluster.
import { test } from '@playwright/test';
import type { LabCommandInput } from '../lab/lab-client.ts';
import type { LabCluster } from '../lab/lab-cluster.ts';

type NetworkSettings = Extract<LabCommandInput, { type: 'network' }>['settings'];

export class Faults {
  constructor(readonly cluster: LabCluster) {}

  private step(title: string, command: LabCommandInput): Promise<void> {
    return test.step(title, async () => void (await this.cluster.client.command(command)), { box: true });
  }

  /** A process crash: what the node wrote survives (its page cache). */
  kill(node: string): Promise<void> {
    return this.step(`kill ${node}`, { type: 'kill', node });
  }

  /** Kills whoever leads now (waiting for one) and answers who it was. */
  killLeader(): Promise<string> {
    return test.step('kill the leader', async () => {
      const leader = await this.cluster.waitForLeader();
      await this.cluster.client.command({ type: 'kill', node: leader });
      return leader;
    }, { box: true });
  }

  restart(node: string): Promise<void> {
    return this.step(`restart ${node}`, { type: 'restart', node });
  }

  restartAll(): Promise<void> {
    return this.step('restart every node that is down', { type: 'restart-all' });
  }

  /** Frozen: no ticks, no handling; messages wait at its door until resume. */
  pause(node: string): Promise<void> {
    return this.step(`pause ${node}`, { type: 'pause-node', node });
  }

  resume(node: string): Promise<void> {
    return this.step(`resume ${node}`, { type: 'resume-node', node });
  }

  /** Groups that cannot reach each other (nodes in no group form one more). */
  partition(...groups: string[][]): Promise<void> {
    return this.step(`partition ${groups.map((group) => group.join(' ')).join(' | ')}`, { type: 'partition', groups });
  }

  /** Cuts one node off from all the others. */
  isolate(node: string): Promise<void> {
    return this.step(`isolate ${node}`, { type: 'isolate', node });
  }

  /** Cuts a link, both ways unless `one-way` (from → to only). */
  cut(from: string, to: string, direction: 'both' | 'one-way' = 'both'): Promise<void> {
    return this.step(`cut ${from}${direction === 'both' ? '↔' : '→'}${to}`, { type: 'cut-link', from, to, direction });
  }

  /** Removes every cut and partition (latency, loss and the rest stay). */
  heal(): Promise<void> {
    return this.step('heal the network', { type: 'heal-network' });
  }

  /** Every node loses power at once: each keeps only what it had synced. */
  powerLoss(): Promise<void> {
    return this.step('power loss on every node', { type: 'power-loss' });
  }

  /** One node loses power (now, or when it next syncs, before that sync). */
  powerCut(node: string, at: 'now' | 'next-sync' = 'now'): Promise<void> {
    return this.step(`cut ${node}'s power${at === 'now' ? '' : ' at its next sync'}`, { type: 'power-cut', node, at });
  }

  /** Latency, jitter, loss, duplication, reordering: for every link, or one directed link. */
  network(settings: NetworkSettings, link?: { from: string; to: string }): Promise<void> {
    const where = link ? ` on ${link.from}→${link.to}` : '';
    return this.step(`network ${JSON.stringify(settings)}${where}`, { type: 'network', settings, ...(link ?? {}) });
  }
}
