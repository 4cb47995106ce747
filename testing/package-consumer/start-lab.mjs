// A consumer's plain-Node script (no tsx, no loader): raftlab/testing from an installed package.
// A lab in a child process and one in this process, each: a 3-node cluster, a write, a linearizable
// read back, the page served. Prints one JSON line for package-install.test.ts.
import { LabCluster, startLab } from 'raftlab/testing';

async function tryLab(mode) {
  // Node 20 has no `await using` in plain JS: stop() in a finally.
  const lab = await startLab({ nodes: 1, mode });
  try {
    return await exercise(lab, mode);
  } finally {
    await lab.stop();
  }
}

async function exercise(lab, mode) {
  const cluster = await LabCluster.create(lab, { nodes: 3, profile: 'production', name: `consumer-${mode}` });
  const leader = await cluster.waitForLeader();
  await cluster.client.put('greeting', `hello from ${mode}`);
  const read = await cluster.client.get('greeting', { consistency: 'linearizable' });
  const page = await fetch(`${lab.url}/`);
  await cluster.dispose();
  return { leader, value: read.value, page: page.status, html: (await page.text()).includes('<!doctype html>') };
}

const result = { resolved: import.meta.resolve('raftlab/testing'), child: await tryLab('child'), inProcess: await tryLab('in-process') };
console.log(JSON.stringify(result));
