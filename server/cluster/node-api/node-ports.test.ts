// Each node's own API port, on a real server with real workers (issue 20's must-shows): a Vault
// client pointed at a follower's port writes and reads back; a write sent there crosses the bus to
// the leader as a Forward message, and is dropped when that link is cut; a killed node's port
// refuses connections and a restarted one gets it back; a paused node's port accepts and waits;
// what a port serves reaches the cluster's history; sys/leader names the leader's own port.
import { connect } from 'node:net';
import nodeVault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../../../shared/protocol/events.ts';
import type { ClusterView } from '../../../shared/protocol/views.ts';
import { leaderIn, startTestLab, type TestLab } from '../../http/lab-test-server.ts';
import { rawRequest } from '../../http/raw-http.ts';

let t: TestLab;
const cluster = () => t.lab.clusters.get('default')!.cluster;
const address = (node: string): string => {
  const found = cluster().nodeApi?.address(node);
  if (!found) throw new Error(`${node} has no API address`);
  return found;
};

function settled(view: ClusterView): string | null {
  const leader = leaderIn(view);
  if (!leader || !view.nodes.every((node) => node.life === 'alive' && (node.id === leader || node.leader === leader))) return null;
  return leader;
}

async function roles(): Promise<{ leader: string; follower: string }> {
  const leader = await t.until('default', 'a settled leader', settled);
  const follower = cluster().nodeIds().find((node) => node !== leader)!;
  return { leader, follower };
}

async function command(body: Record<string, unknown>): Promise<void> {
  const result = await cluster().execute(body as never);
  expect(result.ok, JSON.stringify(result)).toBe(true);
}

const headers = (): Record<string, string> => ({ 'x-vault-token': t.token, 'content-type': 'application/json' });

beforeAll(async () => {
  t = await startTestLab({ nodes: 3 });
  await cluster().nodeApi!.whenListening(cluster().nodeIds(), 10_000);
});
afterAll(async () => {
  await t.dispose();
});

describe("each node's own API port", () => {
  it('a Vault client pointed at a follower\'s port writes and reads its write back (and LISTs it)', async () => {
    const { follower } = await roles();
    const vault = nodeVault({ endpoint: address(follower), token: t.token });
    await vault.write('secret/data/port/greeting', { data: { text: 'hello' } });
    const read = await vault.read('secret/data/port/greeting');
    expect(read.data.data).toEqual({ text: 'hello' });
    expect(read.data.metadata.version).toBe(1);
    // node-vault lists with the LIST verb, which Node's parser refuses before any handler runs.
    const listed = await vault.list('secret/metadata/port');
    expect(listed.data.keys).toEqual(['greeting']);
  });

  it('sys/leader at every port names the leader by its own port; sys/health says active at the leader, standby at a follower', async () => {
    const { leader, follower } = await roles();
    for (const node of cluster().nodeIds()) {
      const answer = await rawRequest(address(node), 'GET', '/v1/sys/leader');
      expect(answer.status).toBe(200);
      expect(answer.json.leader_address).toBe(address(leader));
      expect(answer.json.is_self).toBe(node === leader);
      // The page's view names each node's address (its card shows it).
      expect(cluster().view.nodes.find((view) => view.id === node)?.apiAddress).toBe(address(node));
    }
    expect((await rawRequest(address(leader), 'GET', '/v1/sys/health')).status).toBe(200);
    expect((await rawRequest(address(follower), 'GET', '/v1/sys/health')).status).toBe(429);
  });

  it('refuses what it must: no token, a bad body, a bad consistency, a path that is not the API, a foreign Host', async () => {
    const { follower } = await roles();
    const base = address(follower);
    expect((await rawRequest(base, 'GET', '/v1/secret/data/port/greeting')).status).toBe(403);
    const bad = await rawRequest(base, 'PUT', '/v1/secret/data/port/x', { headers: headers(), body: '{"data": ' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0]).toMatch(/JSON/i);
    const consistency = await rawRequest(base, 'GET', '/v1/secret/data/port/greeting', { headers: { ...headers(), 'x-raftlab-consistency': 'eventual' } });
    expect(consistency.status).toBe(400);
    expect((await rawRequest(base, 'GET', '/api/clusters', { headers: headers() })).status).toBe(404);
    // The main server's front door: a name it does not answer to (DNS rebinding) is refused here too.
    const rebinding = await rawRequest(base, 'GET', '/v1/sys/health', { headers: { host: 'evil.example' } });
    expect(rebinding.status).toBe(403);
    expect(rebinding.json.errors[0]).toMatch(/does not answer to the name "evil.example"/);
  });

  it('a write sent to a follower travels to the leader as a Forward message on the bus, and is dropped when that link is cut', async () => {
    const { leader, follower } = await roles();
    const seen: ClusterEvent[] = [];
    const unsubscribe = cluster().events.subscribe((event) => void seen.push(event));
    try {
      const ok = await rawRequest(address(follower), 'PUT', '/v1/secret/data/port/forwarded', { headers: headers(), body: JSON.stringify({ data: { n: 1 } }) });
      expect(ok.status).toBe(200);
      const forwards = (): { id: number; from: string; to: string; kind: string }[] =>
        seen.flatMap((event) => (event.type === 'message-sent' && event.message.kind === 'Forward' ? [event.message] : []));
      // The bus records a message that took a direct lane when its receiver next reports (within a frame).
      await t.until('default', 'the Forward and its response on the bus', () =>
        forwards().some((message) => message.from === follower && message.to === leader) &&
        seen.some((event) => event.type === 'message-sent' && event.message.kind === 'ForwardResponse' && event.message.from === leader && event.message.to === follower),
      );

      await command({ type: 'cut-link', from: follower, to: leader, direction: 'both' });
      seen.length = 0;
      const cut = await rawRequest(address(follower), 'PUT', '/v1/secret/data/port/forwarded', { headers: headers(), body: JSON.stringify({ data: { n: 2 } }) });
      // The follower cannot reach its leader: the client hears so (Vault's 503), never a false 200.
      expect(cut.status).toBe(503);
      const dropped = new Set(seen.flatMap((event) => (event.type === 'message-dropped' ? [event.id] : [])));
      expect(forwards().some((message) => message.from === follower && dropped.has(message.id))).toBe(true);
      // Nothing of it was written: the leader still holds version 1.
      const read = await rawRequest(address(leader), 'GET', '/v1/secret/data/port/forwarded', { headers: headers() });
      expect(read.json.data.data).toEqual({ n: 1 });
    } finally {
      unsubscribe();
      await command({ type: 'heal-network' });
    }
  });

  it('what a port serves reaches the cluster\'s history, as the main server\'s client operations do', async () => {
    const { follower } = await roles();
    const before = cluster().clientHistory.events().length;
    const answer = await rawRequest(address(follower), 'PUT', '/v1/secret/data/port/history', { headers: headers(), body: JSON.stringify({ data: { v: 'x' } }) });
    expect(answer.status).toBe(200);
    const op = await t.until('default', 'the port write in the history', () =>
      cluster().clientHistory.events().slice(before).find((event) => event.type === 'client-op' && event.key === 'port/history'),
    );
    expect(op).toMatchObject({ outcome: 'ok', client: expect.stringContaining(`-${follower}-port-`) });
  });

  it('a killed node\'s port refuses connections; restarted, the node listens on the same port again', async () => {
    const { follower } = await roles();
    const before = address(follower);
    const { port } = new URL(before);
    await command({ type: 'kill', node: follower });
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    // Listening again is said by the node itself (a node-api event), after its worker is up.
    const listening = new Promise<string | null>((resolve) => {
      const off = cluster().events.subscribe((event) => {
        if (event.type !== 'node-api' || event.node !== follower) return;
        off();
        resolve(event.address);
      });
    });
    await command({ type: 'restart', node: follower });
    expect(await listening).toBe(before);
    await t.until('default', `${follower} serving again`, () => settled(cluster().view));
    const health = await rawRequest(before, 'GET', '/v1/sys/health');
    expect([200, 429]).toContain(health.status);
    expect(address(follower)).toBe(before);
  });

  it("a paused node's port accepts a request and answers it once the node resumes", async () => {
    const { follower } = await roles();
    await command({ type: 'pause-node', node: follower });
    let answered = false;
    const pending = rawRequest(address(follower), 'GET', '/v1/secret/data/port/greeting', { headers: headers() }).then((answer) => {
      answered = true;
      return answer;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    await command({ type: 'resume-node', node: follower });
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(answer.json.data.data).toEqual({ text: 'hello' });
  });
});
