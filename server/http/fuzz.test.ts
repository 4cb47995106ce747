// 10,000 malformed WebSocket frames and HTTP requests, from one seed: every one is answered with
// an error (an error frame, a failed result, or a 4xx in the route's error shape), no answer
// carries a stack trace, and afterwards the server and its cluster are still up.
import { connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPrng, type Prng } from '../../shared/net/prng.ts';
import type { ServerFrame } from '../../shared/protocol/frames.ts';
import { leaderIn, startTestLab, type TestLab } from './lab-test-server.ts';

const SEED = Number(process.env['RAFTLAB_FUZZ_SEED'] ?? 20_240_601);
const FRAMES = 5000;
const REQUESTS = 4600;
const RAW_TCP = 400;
const STACK = /\bat .+:\d+:\d+|node:internal|\.ts:\d+/;

let t: TestLab;

beforeAll(async () => {
  console.log(`fuzz seed=${SEED} (set RAFTLAB_FUZZ_SEED to replay)`);
  t = await startTestLab({ nodes: 3, httpRate: { perSecond: 1e6, burst: 1e6 }, live: { commands: { perSecond: 1e6, burst: 1e6 } } });
  await t.until('default', 'a leader', leaderIn);
});
afterAll(async () => t.dispose());

const pick = <T>(random: Prng, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function junkString(random: Prng, max = 40): string {
  const alphabet = 'abc/..%\\\u0000\u007f"{}[]:,é😀 \n\t-_=?&#';
  let text = '';
  const length = Math.floor(random() * max);
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

function junkValue(random: Prng, depth = 0): unknown {
  const kind = Math.floor(random() * (depth > 2 ? 6 : 8));
  switch (kind) {
    case 0: return null;
    case 1: return random() < 0.5;
    case 2: return Math.floor(random() * 2e9) - 1e9;
    case 3: return random() * 1e308;
    case 4: return junkString(random);
    case 5: return -0.5;
    case 6: return Array.from({ length: Math.floor(random() * 4) }, () => junkValue(random, depth + 1));
    default: return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [junkString(random, 8), junkValue(random, depth + 1)]));
  }
}

const VALID_COMMANDS: readonly Record<string, unknown>[] = [
  { type: 'kill', node: 'n1' },
  { type: 'put', key: 'k', value: 'v' },
  { type: 'clock', speed: 0.5 },
  { type: 'partition', groups: [['n1'], ['n2', 'n3']] },
  { type: 'network', settings: { loss: 0.1 } },
  { type: 'switches', bugs: { commitByCounting: true } },
];

/** A frame that cannot be a valid command frame (or, if a mutation leaves it valid, is a watcher's). */
function malformedFrame(random: Prng): string | Buffer {
  switch (Math.floor(random() * 6)) {
    case 0: return Buffer.from(Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
    case 1: return junkString(random, 200);
    case 2: return JSON.stringify(junkValue(random));
    case 3: return JSON.stringify({ type: pick(random, ['command', 'cmd', '', null, 7]), id: junkValue(random), command: junkValue(random) });
    default: {
      const command: Record<string, unknown> = { ...pick(random, VALID_COMMANDS) };
      const field = pick(random, [...Object.keys(command), 'type', 'extra', 'node']);
      command[field] = junkValue(random);
      return JSON.stringify({ type: 'command', id: Math.floor(random() * 1000), command });
    }
  }
}

interface Probe {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** A request every route must refuse: bad names, ids, keys, bodies, tokens or methods. */
function malformedRequest(random: Prng, token: string): Probe {
  const badName = pick(random, ['..', '%2e%2e', 'UPPER', 'a'.repeat(40), '-x', 'a_b', '%00', 'x%2Fy', '😀']);
  const badNode = pick(random, ['n0', 'n', 'x1', 'n1000', '..', 'n01']);
  const body = random() < 0.3 ? junkString(random, 100) : JSON.stringify(junkValue(random));
  const vault = { 'x-vault-token': token };
  switch (Math.floor(random() * 12)) {
    case 0: return { method: 'GET', path: `/api/clusters/${badName}` };
    case 1: return { method: 'POST', path: `/api/clusters/${badName}/commands`, body, headers: vault };
    case 2: return { method: 'POST', path: '/api/clusters/default/commands', body: JSON.stringify({ ...pick(random, VALID_COMMANDS), type: junkString(random, 10) }), headers: vault };
    case 3: return { method: 'POST', path: `/api/clusters/default/nodes/${badNode}/kill`, headers: vault };
    case 4: return { method: 'POST', path: '/api/clusters', body: JSON.stringify({ nodes: pick(random, [0, 10, -1, 1.5, '3', null]), profile: junkValue(random) }) };
    case 5: return { method: 'POST', path: '/api/clusters/default/fork', body: JSON.stringify({ name: pick(random, [badName, 7, null]) }) };
    case 6: return { method: 'PUT', path: `/c/default/v1/secret/data/${pick(random, ['a/../b', '%2e%2e/x', 'a//b', '%ff', 'k'])}`, body: pick(random, [body, '{"data":"x"}', '{"data":{},"options":{"cas":-1}}']), headers: vault };
    case 7: return { method: 'GET', path: `/c/default/v1/secret/data/k`, headers: { 'x-vault-token': junkString(random, 20).replace(/[^\x21-\x7e]/g, '') || 'x' } };
    case 8: return { method: pick(random, ['PATCH', 'OPTIONS', 'DELETE', 'PUT']), path: `/c/default/v1/sys/${pick(random, ['health', 'storage/raft/configuration', 'storage/raft/autopilot/state', 'nothing'])}`, headers: vault };
    // (Not "..": fetch resolves /c/../n/../v1 to /v1, the default cluster's valid health URL.)
    case 9: return { method: 'GET', path: `/c/${pick(random, ['UPPER', '-x', 'a_b', '%00', 'x%2Fy'])}/n/${pick(random, ['n0', 'x1', 'n1000'])}/v1/sys/health` };
    case 10: return { method: 'POST', path: '/c/default/v1/sys/storage/raft/snapshot', body, headers: vault };
    default: return { method: 'GET', path: `/c/default/n/${badNode}/v1/secret/data/k?version=${pick(random, ['-1', 'x', '1.5', '1e400'])}`, headers: vault };
  }
}

describe('malformed input', () => {
  it('answers 5,000 malformed WebSocket frames with errors and keeps the connection', async () => {
    const random = createPrng(SEED);
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/clusters/default/live`);
    let answers = 0;
    const bad: string[] = [];
    const allAnswered = new Promise<void>((resolve) => {
      socket.on('message', (data) => {
        const text = data.toString();
        const frame = JSON.parse(text) as ServerFrame;
        // An internal error is a bug the input found, not an answer.
        if (frame.type === 'result' && !frame.result.ok && frame.result.code === 'internal') bad.push(text);
        else if (frame.type === 'error' || (frame.type === 'result' && !frame.result.ok)) answers += 1;
        else if (frame.type === 'result') bad.push(text);
        if (STACK.test(text)) bad.push(text);
        if (answers + bad.length >= FRAMES) resolve();
      });
    });
    await new Promise<void>((resolve) => socket.once('open', () => resolve()));
    for (let i = 0; i < FRAMES; i++) socket.send(malformedFrame(random));
    await allAnswered;
    expect(bad).toEqual([]);
    expect(answers).toBe(FRAMES);
    socket.close();
  });

  it('answers 4,600 malformed HTTP requests and 400 garbage connections with errors', async () => {
    const random = createPrng(SEED + 1);
    const probes = Array.from({ length: REQUESTS }, () => malformedRequest(random, random() < 0.8 ? t.token : 'wrong-token'));
    const failures: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < probes.length) {
        const probe = probes[next++]!;
        const response = await fetch(`${t.url}${probe.path}`, { method: probe.method, headers: probe.headers ?? {}, ...(probe.body === undefined ? {} : { body: probe.body }) });
        const text = await response.text();
        const shaped = text === '' ? response.status === 405 || probe.method === 'OPTIONS' : /"errors":\[|"ok":false/.test(text);
        if (response.status < 400 || response.status >= 500 || !shaped || STACK.test(text)) failures.push(`${probe.method} ${probe.path} ${probe.body ?? ''} → ${response.status} ${text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(failures.slice(0, 5)).toEqual([]);

    const { port } = new URL(t.url);
    const garbage = Array.from({ length: RAW_TCP }, (_, i) =>
      i % 2 === 0
        ? Buffer.from(Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256)))
        : Buffer.from(`${junkString(random, 10)} /${junkString(random, 20)} HTTP/1.1\r\n${junkString(random, 30)}\r\n\r\n`),
    );
    let nextRaw = 0;
    const rawWorker = async (): Promise<void> => {
      while (nextRaw < garbage.length) {
        const bytes = garbage[nextRaw++]!;
        const reply = await new Promise<string>((resolve) => {
          const socket = tcpConnect(Number(port), '127.0.0.1', () => socket.end(bytes));
          let text = '';
          socket.on('data', (chunk) => (text += chunk.toString('latin1')));
          socket.on('close', () => resolve(text));
          socket.on('error', () => resolve(text));
        });
        // Either a 4xx status line or (for bytes that never form a request line) a plain close.
        if (reply !== '' && !/^HTTP\/1\.1 4\d\d /.test(reply)) failures.push(`raw ${JSON.stringify(bytes.toString('latin1').slice(0, 40))} → ${reply.slice(0, 80)}`);
        if (STACK.test(reply)) failures.push(`stack in raw reply ${reply.slice(0, 80)}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, rawWorker));
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('is still up and its cluster still serves afterwards', async () => {
    const list = await fetch(`${t.url}/api/clusters`);
    expect(list.status).toBe(200);
    const put = await fetch(`${t.url}/c/default/v1/secret/data/after-fuzz`, { method: 'PUT', headers: { 'x-vault-token': t.token }, body: '{"data":{"ok":true}}' });
    expect(put.status).toBe(200);
    expect(t.lab.clusters.all().map((session) => session.name)).toEqual(['default']);
  });
});
