// The clusters one server process runs, by name.
import { Cluster, type ClusterOptions } from './cluster/cluster.ts';

export class ClusterRegistry {
  private readonly clusters = new Map<string, Cluster>();

  create(options: ClusterOptions): Cluster {
    if (this.clusters.has(options.name)) throw new Error(`cluster ${options.name} already exists`);
    const cluster = new Cluster(options);
    this.clusters.set(options.name, cluster);
    cluster.start();
    return cluster;
  }

  get(name: string): Cluster | undefined {
    return this.clusters.get(name);
  }

  all(): Cluster[] {
    return [...this.clusters.values()];
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all().map((cluster) => cluster.stop()));
    this.clusters.clear();
  }
}
