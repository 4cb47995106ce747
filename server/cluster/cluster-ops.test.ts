// Cluster operations a person (or a scenario) performs, against real workers and real files.
import { appendFileSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterView } from '../../shared/protocol/views.ts';
import { leaderOf, startTempCluster, type TempCluster } from '../testing/temp-cluster.ts';

const labs: TempCluster[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((lab) => lab.dispose()));
});
function start(options: Parameters<typeof startTempCluster>[0]): TempCluster {
  const lab = startTempCluster(options);
  labs.push(lab);
  return lab;
}

const leaderNode = (view: ClusterView) => view.nodes.find((node) => node.id === leaderOf(view));
const voters = (view: ClusterView) => [...(leaderNode(view)?.config.voters ?? [])].sort();
const formed = (size: number) => (view: ClusterView) => voters(view).length === size && view.nodes.every((n) => n.applied >= (leaderNode(view)?.commit ?? Infinity)) ? leaderOf(view) : null;

describe('membership', () => {
  it('bootstraps n1 alone and joins the others one membership change at a time', async () => {
    const lab = start({ nodes: 3 });
    const configs: string[] = [];
    lab.cluster.events.subscribe((event) => {
      if (event.type === 'log-appended' && event.node === 'n1') for (const e of event.entries) if (e.type === 'config') configs.push(e.summary);
    });
    await lab.until('three voters', formed(3));
    expect(configs.length).toBeGreaterThanOrEqual(3); // the bootstrap entry, then one per joining node
  });

  it('adds a voter, adds and promotes a learner, removes a node', async () => {
    const lab = start({ nodes: 3 });
    const { cluster } = lab;
    await lab.until('formed', formed(3));
    expect(await cluster.execute({ type: 'add-node' })).toEqual({ ok: true, result: { node: 'n4' } });
    await lab.until('n4 is a voter', (view) => voters(view).includes('n4'));
    expect(await cluster.execute({ type: 'add-node', learner: true })).toEqual({ ok: true, result: { node: 'n5' } });
    await lab.until('n5 is a learner', (view) => leaderNode(view)?.config.learners.includes('n5'));
    await lab.until('n5 caught up', (view) => (view.nodes.find((n) => n.id === 'n5')?.applied ?? 0) >= (leaderNode(view)?.commit ?? Infinity));
    await cluster.execute({ type: 'promote', node: 'n5' });
    await lab.until('n5 is a voter', (view) => voters(view).includes('n5'));
    const victim = cluster.nodeIds().find((id) => id !== cluster.leader())!;
    await cluster.execute({ type: 'remove-node', node: victim });
    await lab.until(`${victim} removed`, (view) => !view.nodes.some((n) => n.id === victim) && !voters(view).includes(victim));
    expect(voters(cluster.view)).toHaveLength(4);
    expect(await cluster.execute({ type: 'put', key: 'after', value: 'changes' })).toMatchObject({ ok: true });
  });

  it('replaces the leader through joint consensus', async () => {
    const lab = start({ nodes: 3 });
    const { cluster } = lab;
    const leader = await lab.until('formed', formed(3));
    const result = await cluster.execute({ type: 'change-membership', add: ['n4'], remove: [leader!] });
    expect(result).toMatchObject({ ok: true, result: { joint: true } });
    await lab.until('the old leader is out and a new one leads', (view) => {
      const now = leaderOf(view);
      return now && now !== leader && !voters(view).includes(leader!) && voters(view).includes('n4') && leaderNode(view)!.config.votersOutgoing.length === 0;
    });
    expect(await cluster.execute({ type: 'put', key: 'k', value: 'v' })).toMatchObject({ ok: true });
  });

  it('transfers leadership to a chosen node', async () => {
    const lab = start({ nodes: 3 });
    const { cluster } = lab;
    const leader = await lab.until('formed', formed(3));
    const target = cluster.nodeIds().find((id) => id !== leader)!;
    expect(await cluster.execute({ type: 'transfer-leadership', to: target })).toEqual({ ok: true, result: { leader: target } });
    expect(cluster.leader()).toBe(target);
  });
});

describe('the bus', () => {
  it('holds messages, steps one at a time, and drops, duplicates or delivers any one by hand', async () => {
    const lab = start({ nodes: 3 });
    const { cluster } = lab;
    await lab.until('formed', formed(3));
    await cluster.execute({ type: 'hold', held: true });
    expect(cluster.view.held).toBe(true);
    await lab.until('messages queue up', (view) => view.inFlight.length >= 3);
    const queued = cluster.view.inFlight.length;
    const stepped = await cluster.execute({ type: 'step' });
    expect(stepped).toMatchObject({ ok: true, result: { delivered: expect.any(String) } });
    const [first, second] = cluster.view.inFlight;
    const inspected = await cluster.execute({ type: 'inspect-message', id: first!.id });
    expect(inspected).toMatchObject({ ok: true, result: { state: 'in-flight', message: { from: first!.from, to: first!.to, type: first!.kind } } });
    expect(await cluster.execute({ type: 'drop-message', id: first!.id })).toEqual({ ok: true });
    expect(cluster.view.inFlight.some((m) => m.id === first!.id)).toBe(false);
    const copy = await cluster.execute({ type: 'duplicate-message', id: second!.id });
    expect(copy.ok && cluster.view.inFlight.some((m) => m.id === copy.result?.['id'])).toBe(true);
    expect(await cluster.execute({ type: 'deliver-message', id: second!.id })).toEqual({ ok: true });
    expect(await cluster.execute({ type: 'drop-message', id: 999_999 })).toMatchObject({ ok: false, code: 'not-found' });
    expect(queued).toBeGreaterThanOrEqual(3);
    await cluster.execute({ type: 'hold', held: false });
    await lab.until('messages flow again', (view) => !view.held && view.inFlight.length < 10);
    expect(await cluster.execute({ type: 'put', key: 'k', value: 'v' })).toMatchObject({ ok: true });
  });
});

describe('reads and writes', () => {
  it('cas, delete, and reads at every consistency, from the leader or a chosen follower', async () => {
    const lab = start({ nodes: 3 });
    const { cluster } = lab;
    const leader = await lab.until('formed', formed(3));
    const follower = cluster.nodeIds().find((id) => id !== leader)!;
    expect(await cluster.execute({ type: 'put', key: 'c', value: 'one', cas: 0 })).toMatchObject({ ok: true, result: { version: 1 } });
    expect(await cluster.execute({ type: 'put', key: 'c', value: 'two', cas: 0 })).toMatchObject({ ok: false, code: 'conflict' });
    expect(await cluster.execute({ type: 'put', key: 'c', value: 'two', cas: 1 })).toMatchObject({ ok: true, result: { version: 2 } });
    expect(await cluster.execute({ type: 'get', key: 'c', consistency: 'linearizable' })).toMatchObject({ ok: true, result: { value: 'two', version: 2 } });
    expect(await cluster.execute({ type: 'get', key: 'c', consistency: 'lease' })).toMatchObject({ ok: true, result: { value: 'two' } });
    expect(await cluster.execute({ type: 'get', key: 'c', consistency: 'linearizable', node: follower })).toMatchObject({ ok: true, result: { value: 'two', node: follower } });
    expect(await cluster.execute({ type: 'get', key: 'c', consistency: 'lease', node: follower })).toMatchObject({ ok: false, code: 'not-leader' });
    await lab.until('the follower applied v2', (view) => view.nodes.find((n) => n.id === follower)?.kv['c']?.version === 2);
    expect(await cluster.execute({ type: 'get', key: 'c', consistency: 'stale', node: follower })).toMatchObject({ ok: true, result: { value: 'two' } });
    expect(await cluster.execute({ type: 'delete', key: 'c' })).toMatchObject({ ok: true });
    expect(await cluster.execute({ type: 'get', key: 'c' })).toMatchObject({ ok: true, result: { value: null } });
    // Older versions, metadata and folder listings, read at a consistency like any read.
    expect(await cluster.run({ type: 'get', key: 'c', version: 1 })).toMatchObject({ value: 'one', version: 1, deleted: false });
    const meta = await cluster.run({ type: 'get-metadata', key: 'c', consistency: 'stale', node: follower });
    expect(meta).toMatchObject({ node: follower, metadata: { currentVersion: 2, versions: { '1': { deletionTime: null }, '2': { deletionTime: expect.any(Number) } } } });
    expect(await cluster.run({ type: 'list-keys', prefix: '' })).toMatchObject({ keys: ['c'] }); // soft-deleted keys are listed, as Vault does
    const ops = cluster.events.since(0).filter((event) => event.type === 'client-op');
    expect(ops.map((op) => op.type === 'client-op' && `${op.op}:${op.outcome}`)).toEqual([
      'cas:ok', 'cas:failed', 'cas:ok', 'get:ok', 'get:ok', 'get:ok', 'get:failed', 'get:ok', 'delete:ok', 'get:ok',
    ]);
  });

  it('a snapshot saved from one cluster restores into another (disaster recovery)', async () => {
    const source = start({ nodes: 3 });
    await source.until('formed', formed(3));
    for (const [key, value] of [['db/password', 's3cret'], ['db/user', 'app'], ['feature', 'on']]) {
      await source.cluster.execute({ type: 'put', key: key!, value: value! });
    }
    await source.cluster.execute({ type: 'put', key: 'feature', value: 'off' });
    const saved = await source.cluster.saveSnapshot();
    expect(saved.keys).toBe(3);

    const target = start({ nodes: 3 });
    await target.until('formed', formed(3));
    await target.cluster.execute({ type: 'put', key: 'old', value: 'gone' });
    await expect(target.cluster.restoreSnapshot('{"not":"a snapshot"}')).rejects.toThrow(/not a raftlab snapshot/);
    await target.cluster.restoreSnapshot(saved.data);
    await target.until('every node restored', (view) =>
      view.nodes.every((node) => node.kv['feature']?.value === 'off' && node.kv['feature']?.version === 2 && node.kv['db/password']?.value === 's3cret' && !node.kv['old']),
    );
    expect(await target.cluster.execute({ type: 'get', key: 'db/user' })).toMatchObject({ ok: true, result: { value: 'app' } });
  });
});

describe('recovery from disk', () => {
  it('truncates a torn WAL tail and reports it; refuses to start on a corrupt middle record', async () => {
    const lab = start({ nodes: 3 });
    const { cluster } = lab;
    const leader = await lab.until('formed', formed(3));
    for (let i = 0; i < 5; i++) await cluster.execute({ type: 'put', key: `t${i}`, value: `${i}` });
    const follower = cluster.nodeIds().find((id) => id !== leader)!;
    await cluster.execute({ type: 'kill', node: follower });
    const dir = join(cluster.dir, follower);
    const segment = join(dir, readdirSync(dir).filter((name) => name.startsWith('wal-')).sort().at(-1)!);
    appendFileSync(segment, Buffer.from([0x20, 0, 0, 0, 1, 2, 3])); // half a frame, as a power cut leaves it
    const recovered = new Promise<string | null>((resolve) => {
      const off = cluster.events.subscribe((event) => {
        if (event.type === 'node-recovered' && event.node === follower) {
          off();
          resolve(event.tornTail);
        }
      });
    });
    cluster.restart(follower);
    expect(await recovered).toMatch(/cut 7 bytes/);
    await lab.until('it rejoined', (view) => view.nodes.find((n) => n.id === follower)?.kv['t4']?.value === '4');

    await cluster.execute({ type: 'kill', node: follower });
    const bytes = readFileSync(segment);
    bytes[20] = bytes[20]! ^ 0xff; // inside the first record's payload, with records after it
    writeFileSync(segment, bytes);
    cluster.restart(follower);
    await lab.until('the node refused to start', (view) => view.nodes.find((n) => n.id === follower)?.life === 'failed');
    expect(cluster.view.nodes.find((n) => n.id === follower)?.reason).toMatch(/corrupt|CRC|checksum/i);
  });

  it('a killed node leaves no open file behind', async () => {
    const lab = start({ nodes: 3 });
    const { cluster } = lab;
    await lab.until('formed', formed(3));
    const openInto = (dir: string) =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir);
        } catch {
          return false;
        }
      }).length;
    expect(openInto(cluster.dir)).toBeGreaterThan(0);
    await cluster.execute({ type: 'power-loss' });
    expect(openInto(cluster.dir)).toBe(0);
  });
});
