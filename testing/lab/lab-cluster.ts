// One cluster a test made for itself: its name and token, its Vault address, a client bound to it,
// and a recorder watching it from the start (for the recording and event log of a failed test).
import { ClusterRecorder } from './cluster-recorder.ts';
import { formed, leaderOf } from './cluster-state.ts';
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

  /** Makes a cluster on `lab`, starts recording it, and (for our own nodes) waits until it has
   *  formed: a test that starts earlier meets a leader with only some of the voters yet. A foreign
   *  implementation may never elect (the starter) or report its configuration: it is handed over as
   *  soon as it exists. */
  static async create(lab: Lab, request: CreateClusterInput, formedWithinMs = 60_000): Promise<LabCluster> {
    const created = await lab.client.createCluster(request);
    const cluster = new LabCluster(lab, created.name, created.token);
    await cluster.recorder.ready;
    if (!request.implementation) await cluster.waitUntilFormed(formedWithinMs);
    return cluster;
  }

  /** Waits until every node is alive and a voter in the leader's configuration. A teaching
   *  cluster's slowed clock runs at production speed meanwhile (its formation is not the test),
   *  and is set back to the speed it started with once formed. */
  async waitUntilFormed(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let view = await this.client.view();
    const speed = view.clock.speed;
    if (!formed(view) && speed < 1) await this.client.command({ type: 'clock', speed: 1 });
    try {
      while (!formed(view)) {
        if (Date.now() > deadline) throw new Error(`${this.name}: not formed (every node alive and a voter) within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        view = await this.client.view();
      }
    } finally {
      if (speed < 1) await this.client.command({ type: 'clock', speed });
    }
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
