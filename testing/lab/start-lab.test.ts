// raftlab/testing as a consumer uses it: startLab in a child process and in this one, the typed
// client, node-vault at vaultAddr, stop (and await using), and bad options refused in a sentence.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import nodeVault from 'node-vault';
import { describe, expect, it } from 'vitest';
import { parseRecording } from '../../shared/protocol/recording.ts';
import { LabApiError, LabCluster, leaderOf, startLab, type Lab } from '../index.ts';

async function leaderIn(lab: Lab, cluster = 'default'): Promise<string> {
  const client = lab.client.cluster(cluster, lab.token);
  for (let attempt = 0; attempt < 400; attempt++) {
    const leader = leaderOf(await client.view());
    if (leader) return leader;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no leader in ${cluster}`);
}

describe('startLab', () => {
  it('in a child process: a leader, node-vault writes and reads at vaultAddr, the history is linearizable; stop ends the server and its data', async () => {
    let dataDir = '';
    let url = '';
    {
      await using lab = await startLab({ nodes: 3, mode: 'child' });
      ({ dataDir, url } = lab);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await leaderIn(lab);
      const vault = nodeVault({ endpoint: lab.vaultAddr(), token: lab.token });
      await vault.write('secret/data/app/config', { data: { greeting: 'hello' } });
      expect((await vault.read('secret/data/app/config')).data.data).toEqual({ greeting: 'hello' });
      const history = await lab.client.cluster('default', lab.token).history();
      expect(history.verdict.kind).toBe('checked');
      expect(history.verdict.kind === 'checked' && history.verdict.result.ok).toBe(true);
      expect(existsSync(dataDir)).toBe(true);
    }
    // Disposed at the end of the block: the server is gone and so is its temporary directory.
    await expect(fetch(`${url}/api/clusters`)).rejects.toThrow();
    expect(existsSync(dataDir)).toBe(false);
  });

  it('a child lab stops when the process that started it ends without stopping it', async () => {
    const script = "const { startLab } = await import('./testing/index.ts'); const lab = await startLab({ nodes: 1 }); console.log(lab.url); process.exit(0);";
    const url = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect.poll(async () => fetch(`${url}/api/clusters`).then(() => 'up', () => 'gone'), { timeout: 30_000 }).toBe('gone');
  });

  it('in this process, with a registered implementation: clusters of it are made through the client', async () => {
    const lab = await startLab({ mode: 'in-process', nodes: 1, implementations: { starter: 'examples/maelstrom-starter.js' } });
    try {
      const listed = await lab.client.call('GET', '/api/implementations');
      expect(listed['implementations']).toEqual([{ name: 'raftlab', kind: 'built-in' }, { name: 'starter', kind: 'process' }]);
      const created = await lab.client.createCluster({ nodes: 3, implementation: 'starter' });
      const cluster = lab.client.cluster(created.name, created.token);
      expect((await cluster.view()).implementation).toBe('starter');
      await cluster.delete();
      await expect(cluster.view()).rejects.toThrow(LabApiError);
    } finally {
      await lab.stop();
      await lab.stop(); // twice is fine
    }
  });

  it('a LabCluster is recorded from its creation in the page\'s recording format, and deleted by dispose', async () => {
    await using lab = await startLab({ mode: 'in-process', nodes: 1 });
    const cluster = await LabCluster.create(lab, { nodes: 3, profile: 'production', name: 'recorded' });
    const leader = await cluster.waitForLeader();
    await cluster.client.put('color', 'blue');
    await expect.poll(() => cluster.recorder.events.some((event) => event.type === 'client-op' && event.key === 'color')).toBe(true);
    const parsed = parseRecording(JSON.stringify(cluster.recorder.recording('a test')));
    expect(parsed.ok && parsed.recording.cluster).toBe('recorded');
    expect(cluster.recorder.eventLog()).toContain(`${leader} is leader of term`);
    await cluster.dispose();
    await expect(cluster.client.view()).rejects.toThrow(/no cluster named recorded/);
  });

  it('the client checks commands against the lab\'s schemas, and says what the server refused', async () => {
    await using lab = await startLab({ mode: 'in-process', nodes: 1 });
    const cluster = lab.client.cluster('default', lab.token);
    // Not a command (no node): refused here, before anything is sent; the node still runs.
    await expect(cluster.command({ type: 'kill' } as never)).rejects.toThrow(/^command: node:/);
    await expect(cluster.command({ type: 'no-such' } as never)).rejects.toThrow(/^command: /);
    expect((await cluster.view()).nodes[0]!.life).not.toBe('dead');
    const refused = await lab.client.cluster('default').command({ type: 'kill', node: 'n1' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LabApiError);
    expect((refused as LabApiError).status).toBe(403);
    expect((refused as LabApiError).code).toBe('forbidden');
  });

  it('bad options are refused in a sentence; there is no seed, and it says why', async () => {
    await expect(startLab({ nodes: 12 })).rejects.toThrow(/^startLab: nodes: /);
    await expect(startLab({ profile: 'fast' as never })).rejects.toThrow(/^startLab: profile: /);
    await expect(startLab({ implementations: { 'Bad Name': 'x' } })).rejects.toThrow(/^startLab: implementations/);
    await expect(startLab({ seed: 7 } as never)).rejects.toThrow(/no seed option.*npm run sim -- --seed/);
    // The server's own refusal, read from the child's output.
    await expect(startLab({ mode: 'child', implementations: { raftlab: 'node x.js' } })).rejects.toThrow(/did not start: it exited with code 2[\s\S]*that name is our own core's/);
  });
});
