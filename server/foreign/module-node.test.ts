// A foreign node as a JS module in a worker thread (NAME=module:PATH): the same handlers as a
// Maelstrom node, no stdio. Its messages cross the bus, pause holds what it sends, kill and restart
// give a new thread with the same directory, and a handler that throws is a crash on its card.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTempCluster, type TempCluster } from '../testing/temp-cluster.ts';
import { parseImplementation } from './implementations.ts';
import type { ClusterEvent } from '../../shared/protocol/events.ts';

const MODULE = `
import { writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
export default {
  init(message, node) {
    const file = join(process.env.RAFTLAB_DATA_DIR, 'starts');
    const starts = existsSync(file) ? Number(readFileSync(file, 'utf8')) + 1 : 1;
    writeFileSync(file, String(starts));
    node.send('raftlab', { type: 'state', role: node.id === 'n1' ? 'leader' : 'follower', term: starts, voted_for: 'n1', commit_index: 0 });
    setInterval(() => { for (const peer of node.ids) if (peer !== node.id) node.send(peer, { type: 'ping', term: starts }); }, 40);
  },
  ping(message, node) { node.reply(message, { type: 'pong', term: message.body.term }); },
  pong() {},
  boom() { throw new Error('handler exploded'); },
};`;

const labs: TempCluster[] = [];
const roots: string[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((lab) => lab.dispose()));
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function moduleCluster(source: string): { lab: TempCluster; events: ClusterEvent[] } {
  const root = mkdtempSync(join(tmpdir(), 'raftlab-module-'));
  roots.push(root);
  writeFileSync(join(root, 'node.mjs'), source);
  const lab = startTempCluster({ nodes: 3, implementation: parseImplementation(`m=module:${join(root, 'node.mjs')}`) });
  labs.push(lab);
  const events: ClusterEvent[] = [];
  lab.cluster.events.subscribe((event) => void events.push(event));
  return { lab, events };
}

const sent = (events: readonly ClusterEvent[], kind: string, from: string) => events.filter((event) => event.type === 'message-sent' && event.message.kind === kind && event.message.from === from);

describe('a module node (module:PATH)', () => {
  it('runs in a worker thread: init, its messages on the bus, its state reports; pause holds what it sends; restart keeps its directory', async () => {
    expect(parseImplementation('m=module:x.ts')).toMatchObject({ kind: 'module' });
    const { lab, events } = moduleCluster(MODULE);
    await lab.until('all alive', (view) => view.nodes.length === 3 && view.nodes.every((node) => node.life === 'alive'));
    expect(await lab.until('n1 leads', () => lab.cluster.leader())).toBe('n1');
    await lab.until('pongs from n2', () => sent(events, 'pong', 'n2').length > 0);

    await lab.cluster.execute({ type: 'pause-node', node: 'n3' });
    // What it had posted before the pause may still arrive; after that, nothing until it resumes.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const pausedAt = events.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sent(events.slice(pausedAt), 'ping', 'n3')).toEqual([]);
    await lab.cluster.execute({ type: 'resume-node', node: 'n3' });
    await lab.until('n3 speaks again, held pings first', () => sent(events.slice(pausedAt), 'ping', 'n3').length > 0);

    expect((await lab.cluster.execute({ type: 'kill', node: 'n2' })).ok).toBe(true);
    expect(lab.cluster.view.nodes.find((node) => node.id === 'n2')?.life).toBe('dead');
    await lab.cluster.execute({ type: 'restart', node: 'n2' });
    await lab.until('n2 back in term 2 (its second start)', (view) => view.nodes.find((node) => node.id === 'n2' && node.life === 'alive' && node.term === 2));
    expect(readFileSync(join(lab.dataDir, 'test', 'n2', 'starts'), 'utf8')).toBe('2');
  }, 60_000);

  it('a TypeScript module loads too, whatever its folder\'s package.json says', async () => {
    const root = mkdtempSync(join(tmpdir(), 'raftlab-module-ts-'));
    roots.push(root);
    writeFileSync(join(root, 'node.ts'), `
      interface Node { id: string; send(dest: string, body: object): void }
      const handlers: Record<string, (message: unknown, node: Node) => void> = {
        init(_message, node) { node.send('raftlab', { type: 'state', role: 'follower', term: 7, voted_for: null, commit_index: 0 }); },
      };
      export default handlers;`);
    const lab = startTempCluster({ nodes: 1, implementation: parseImplementation(`t=module:${join(root, 'node.ts')}`) });
    labs.push(lab);
    await lab.until('n1 alive in term 7', (view) => view.nodes[0]?.life === 'alive' && view.nodes[0].term === 7, 30_000);
  }, 60_000);

  it('a handler that throws is a crash, with its stack on the card', async () => {
    const { lab } = moduleCluster(MODULE.replace("ping(message, node) {", "ping(message, node) { if (node.id === 'n2') throw new Error('handler exploded');"));
    const n2 = await lab.until('n2 down', (view) => view.nodes.find((node) => node.id === 'n2' && node.life === 'dead'));
    expect(n2.reason).toMatch(/crashed: exited with code 1; its stderr ended with:\nError: handler exploded/);
    await lab.until('the others alive', (view) => view.nodes.filter((node) => node.life === 'alive').length === 2);
  }, 60_000);
});
