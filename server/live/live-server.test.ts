// The WebSocket stream against a real server: protocol version and control in the handshake, a
// late joiner's snapshot then events, watchers refused control, Origin checks, the rate limit,
// and the switch to a coalesced summary for a slow reader (and back once it drains).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.ts';
import type { ServerFrame } from '../../shared/protocol/frames.ts';
import { leaderIn, startTestLab, type TestLab } from '../http/lab-test-server.ts';
import { Viewer } from './viewer.ts';
import type { LabSession } from '../cluster-registry.ts';

let t: TestLab;

beforeAll(async () => {
  t = await startTestLab({ nodes: 3, live: { commands: { perSecond: 5, burst: 10 } } });
  await t.until('default', 'a leader', leaderIn);
});
afterAll(async () => t.dispose());

/** A page's connection that keeps every frame it got and can wait for one. */
async function connect(query = '', headers: Record<string, string> = {}): Promise<{ socket: WebSocket; frames: ServerFrame[]; next(pred: (frame: ServerFrame) => boolean): Promise<ServerFrame> }> {
  const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/clusters/default/live${query}`, { headers });
  const frames: ServerFrame[] = [];
  const waiters: Array<{ pred: (frame: ServerFrame) => boolean; resolve: (frame: ServerFrame) => void }> = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as ServerFrame;
    frames.push(frame);
    for (const waiter of [...waiters]) if (waiter.pred(frame)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(frame);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    frames,
    next(pred) {
      const seen = frames.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
  };
}

describe('the live stream', () => {
  it('welcomes with the protocol version, the view, and whether the page may control', async () => {
    const watcher = await connect();
    const welcome = await watcher.next((frame) => frame.type === 'welcome');
    expect(welcome).toMatchObject({ type: 'welcome', protocol: PROTOCOL_VERSION, control: false });
    const owner = await connect(`?token=${t.token}`);
    expect(await owner.next((frame) => frame.type === 'welcome')).toMatchObject({ control: true });

    // A late joiner starts from the view, then gets only newer events.
    const seq = welcome.type === 'welcome' ? welcome.view.seq : 0;
    const events = await watcher.next((frame) => frame.type === 'events');
    expect(events.type === 'events' && events.events.every((event) => event.seq > 0)).toBe(true);
    expect(events.type === 'events' && events.events.at(-1)!.seq > seq).toBe(true);

    watcher.socket.send(JSON.stringify({ type: 'command', id: 1, command: { type: 'clock', speed: 1 } }));
    expect(await watcher.next((frame) => frame.type === 'result' && frame.id === 1)).toMatchObject({ result: { ok: false, code: 'forbidden' } });
    owner.socket.send(JSON.stringify({ type: 'command', id: 2, command: { type: 'clock', speed: 1 } }));
    expect(await owner.next((frame) => frame.type === 'result' && frame.id === 2)).toMatchObject({ result: { ok: true } });
    owner.socket.send('{"type":"command","id":3,"command":{"type":"kill","node":"x"}}');
    expect(await owner.next((frame) => frame.type === 'error')).toMatchObject({ type: 'error' });
    watcher.socket.close();
    owner.socket.close();
  });

  it('refuses a foreign Origin and an unknown cluster', async () => {
    const foreign = new WebSocket(`${t.url.replace('http', 'ws')}/api/clusters/default/live`, { headers: { origin: 'http://evil.example' } });
    const status = await new Promise<number>((resolve) => foreign.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(403);
    const unknown = new WebSocket(`${t.url.replace('http', 'ws')}/api/clusters/nope/live`);
    expect(await new Promise<number>((resolve) => unknown.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)))).toBe(404);
  });

  it('rate-limits commands per connection and answers each refused one', async () => {
    const owner = await connect(`?token=${t.token}`);
    for (let id = 1; id <= 30; id++) owner.socket.send(JSON.stringify({ type: 'command', id, command: { type: 'hold', held: false } }));
    const limited = await owner.next((frame) => frame.type === 'result' && !frame.result.ok && frame.result.code === 'rate-limited');
    expect(limited).toBeDefined();
    owner.socket.close();
  });
});

/** A viewer of the default cluster on a socket whose backlog the test sets by hand. */
function fakeViewer(limits: { highWaterBytes: number; lowWaterBytes: number }) {
  const sent: string[] = [];
  const socket = { OPEN: 1, readyState: 1, bufferedAmount: 0, send: (text: string) => sent.push(text) };
  const session = { name: 'default', cluster: t.lab.clusters.get('default')!.cluster, publicValues: false, digest: (value: string) => `‹hidden ${value.length}›` } as unknown as LabSession;
  const stats = { framesSent: 0, eventsSent: 0, resyncs: 0 };
  return { sent, socket, stats, viewer: new Viewer(socket as unknown as WebSocket, session, limits, stats) };
}

describe('a slow reader', () => {
  it('is switched to a coalesced summary past the high-water mark and back once drained', () => {
    const { sent, socket, stats, viewer } = fakeViewer({ highWaterBytes: 1000, lowWaterBytes: 100 });
    viewer.welcome(PROTOCOL_VERSION, false);
    expect(viewer.deliver('{"type":"events"}')).toBe(true);
    socket.bufferedAmount = 5000;
    expect(viewer.deliver('{"type":"events"}')).toBe(false);
    expect(viewer.behind).toBe(true);
    expect(viewer.deliver('{"type":"events"}')).toBe(false);
    // Not drained enough yet: still behind.
    socket.bufferedAmount = 500;
    (viewer as unknown as { checkDrained(): void }).checkDrained();
    expect(viewer.behind).toBe(true);
    socket.bufferedAmount = 0;
    (viewer as unknown as { checkDrained(): void }).checkDrained();
    expect(viewer.behind).toBe(false);
    expect(stats.resyncs).toBe(1);
    const summary = JSON.parse(sent.at(-1)!) as ServerFrame;
    expect(summary).toMatchObject({ type: 'welcome', control: false });
    expect(sent.filter((text) => text === '{"type":"events"}')).toHaveLength(1);
    viewer.dispose();
  });

  it('is not sent back to a welcome by the welcome itself when the view is larger than the high-water mark', () => {
    const { sent, socket, viewer } = fakeViewer({ highWaterBytes: 100, lowWaterBytes: 10 });
    viewer.welcome(PROTOCOL_VERSION, false);
    const welcomeBytes = Buffer.byteLength(sent[0]!);
    expect(welcomeBytes).toBeGreaterThan(100);
    // The whole welcome still waits in the buffer, and one batch more: that is not a slow reader.
    socket.bufferedAmount = welcomeBytes + 50;
    expect(viewer.deliver('{"type":"events"}')).toBe(true);
    expect(viewer.behind).toBe(false);
    // The welcome has drained; what is buffered now is events only, and past the mark it is behind.
    socket.bufferedAmount = 20;
    expect(viewer.deliver('{"type":"events"}')).toBe(true);
    socket.bufferedAmount = 150;
    expect(viewer.deliver('{"type":"events"}')).toBe(false);
    expect(viewer.behind).toBe(true);
    viewer.dispose();
  });
});
