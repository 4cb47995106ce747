// One cluster a test made for itself: its name and token, its Vault address, a client bound to it,
// and a recorder watching it from the start (for the recording and event log of a failed test).
import { ClusterRecorder } from './cluster-recorder.ts';
import { leaderOf } from './cluster-state.ts';
import type { ClusterClient, CreateClusterInput } from './lab-client.ts';
import type { Lab } from './start-lab.ts';

export class LabCluster {
  readonly client: ClusterClient;
  readonly recorder: ClusterRecorder;

  private constructor(
    readonly lab: Lab,
    readonly name: string,
    readonly token: string,
  ) {
    this.client = lab.client.cluster(name, token);
    this.recorder = new ClusterRecorder(lab.url, name, token);
  }

  /** Makes a cluster on `lab` and starts recording it. */
  static async create(lab: Lab, request: CreateClusterInput): Promise<LabCluster> {
    const created = await lab.client.createCluster(request);
    const cluster = new LabCluster(lab, created.name, created.token);
    await cluster.recorder.ready;
    return cluster;
  }

  /** Its Vault address (the cluster's load-balancer URL), for VAULT_ADDR or node-vault's endpoint. */
  get vaultAddr(): string {
    return this.lab.vaultAddr(this.name);
  }

  /** One node's own Vault address, as a Vault node's api_addr. */
  nodeAddr(node: string): string {
    return `${this.vaultAddr}/n/${encodeURIComponent(node)}`;
  }

  /** The live leader now (null while there is none). */
  async leader(): Promise<string | null> {
    return leaderOf(await this.client.view());
  }

  /** Waits for a live leader (other than `not`) and returns it. */
  async waitForLeader(options: { not?: string; timeoutMs?: number } = {}): Promise<string> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      const leader = await this.leader();
      if (leader !== null && leader !== options.not) return leader;
      if (Date.now() > deadline) throw new Error(`${this.name}: no leader${options.not ? ` other than ${options.not}` : ''} within ${options.timeoutMs ?? 30_000} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Stops recording and deletes the cluster (every node stops, its files go). */
  async dispose(): Promise<void> {
    this.recorder.close();
    await this.client.delete();
  }
}
