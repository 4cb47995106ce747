// A consumer's TypeScript against the installed package's declarations (exports' "types"): real
// types, not any, so a wrong option is an error (@ts-expect-error fails when it is not one).
import { LabCluster, startLab, type Lab } from 'raftlab/testing';
import { expect, test, type RaftlabTestOptions } from 'raftlab/playwright';

export async function typed(): Promise<string> {
  const lab: Lab = await startLab({ nodes: 1, mode: 'in-process' });
  // @ts-expect-error -- nodes is a number
  await startLab({ nodes: 'three' });
  const cluster = await LabCluster.create(lab, { nodes: 3 });
  return cluster.waitForLeader();
}

export const options: Partial<RaftlabTestOptions> = { nodes: 3, profile: 'production' };

test('typed fixtures', async ({ cluster, faults }) => {
  const killed: string = await faults.killLeader();
  await expect(cluster).toHaveLeader({ not: killed });
});
