// A one-node lab cluster run as its own process, for the libfiu test (server/cluster/libfiu.test.ts),
// which starts it under fiu-run so the kernel-facing fdatasync of the node's worker really returns
// EIO. It writes keys until its node stops, then prints one line: the writes that were acknowledged
// and what the node's card said. Usage: tsx server/testing/fiu-node.ts DATA_DIR
import { Cluster } from '../cluster/cluster.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: fiu-node.ts DATA_DIR');

const cluster = new Cluster({ name: 'fiu', nodes: 1, profile: 'production', dataDir });
cluster.start();
const node = () => cluster.view.nodes.find((n) => n.id === 'n1');
const stopped = () => node()?.life === 'failed' || node()?.life === 'dead';

const acked: string[] = [];
const deadline = performance.now() + 60_000;
for (let i = 0; i < 5000 && !stopped() && performance.now() < deadline; i++) {
  const answer = await cluster.execute({ type: 'put', key: `k${i}`, value: `v${i}` });
  if (answer.ok) acked.push(`k${i}`);
}
while (!stopped() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
console.log(`FIU-RESULT ${JSON.stringify({ acked, life: node()?.life ?? null, reason: node()?.reason ?? null })}`);
await cluster.stop();
process.exit(0);
