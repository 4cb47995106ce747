// A page whose socket stops reading, on a real TCP connection at the README's thresholds (1 MiB
// high water, 64 KiB low water): past the high water it gets no more event frames (the server's
// buffer stops growing), and once it reads again and drains below the low water it gets one fresh
// welcome, the coalesced present, and then the stream again.
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ClusterView } from '../../shared/protocol/views.ts';
import { leaderIn, startTestLab, type TestLab } from '../http/lab-test-server.ts';
import { rawRequest } from '../http/raw-http.ts';

let t: TestLab;
beforeAll(async () => {
  t = await startTestLab({ nodes: 3 });
  await t.until('default', 'a leader', leaderIn);
});
afterAll(async () => t.dispose());

// Small enough that the welcome (200 log entries per node carry their values) stays under the
// high water; the stream of events is what fills the buffers.
const big = 'x'.repeat(1000);
async function write(key: string): Promise<void> {
  const answer = await rawRequest(t.url, 'PUT', `/api/clusters/default/kv/${key}`, { headers: { 'content-type': 'application/json', 'x-vault-token': t.token }, body: JSON.stringify({ value: big }) });
  expect(answer.status).toBe(200);
}
const appliedEverywhere = (key: string) => (view: ClusterView) => view.nodes.every((node) => node.kv[key] !== undefined);

describe('a page that stops reading', () => {
  it('is switched to the coalesced mode past 1 MiB and resumes with one fresh welcome below 64 KiB', async () => {
    const frames: Array<{ type: string }> = [];
    const page = new WebSocket(`${t.url.replace('http', 'ws')}/api/clusters/default/live?token=${t.token}`);
    let tcp: Socket | null = null;
    page.on('upgrade', (response) => (tcp = response.socket as Socket));
    page.on('message', (data) => frames.push(JSON.parse(data.toString()) as { type: string }));
    await new Promise((resolve) => page.once('open', resolve));
    expect(frames.filter((frame) => frame.type === 'welcome')).toHaveLength(1);

    // Stop reading: the kernel's buffers fill, then the server's socket buffers, then the switch.
    tcp!.pause();
    let writes = 0;
    while (t.lab.live.behind === 0 && writes < 20_000) {
      await Promise.all(Array.from({ length: 8 }, () => write(`load/${writes++}`)));
    }
    expect(t.lab.live.behind).toBe(1);

    // Behind, it is sent nothing: the server's buffer for it stops growing.
    const sentWhenBehind = t.lab.live.stats.eventsSent;
    for (let i = 0; i < 5; i++) await write(`more/${i}`);
    await t.until('default', 'the last write applied everywhere', appliedEverywhere('more/4'));
    expect(t.lab.live.stats.eventsSent).toBe(sentWhenBehind);

    // Reading again: it drains, gets one welcome with the present, then events again.
    const resyncs = t.lab.live.stats.resyncs;
    tcp!.resume();
    await new Promise<void>((resolve) => {
      const check = (): void => void (frames.filter((frame) => frame.type === 'welcome').length === 2 ? resolve() : page.once('message', check));
      check();
    });
    expect(t.lab.live.behind).toBe(0);
    expect(t.lab.live.stats.resyncs).toBe(resyncs + 1);
    const welcomeAt = frames.findLastIndex((frame) => frame.type === 'welcome');
    const present = frames[welcomeAt] as unknown as { view: ClusterView };
    expect(present.view.nodes.some((node) => node.kv['more/4'] !== undefined)).toBe(true);
    await write('after');
    await new Promise<void>((resolve) => {
      const check = (): void => void (frames.slice(welcomeAt + 1).some((frame) => frame.type === 'events') ? resolve() : page.once('message', check));
      check();
    });
    page.close();
  });
});
