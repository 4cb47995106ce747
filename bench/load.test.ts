// The load generator opens and closes its measured window once each, in order, however it stops.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from './load.ts';

let server: http.Server;
let port = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => req.resume().on('end', () => res.end('{}')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('runLoad window', () => {
  it('opens after the warm-up and closes at the end of the measured time', async () => {
    const edges: { edge: string; at: number }[] = [];
    const started = performance.now();
    const result = await runLoad({ port, concurrency: 2, warmupMs: 100, durationMs: 200, request: () => ({ method: 'GET', path: '/' }), onWindow: (edge) => edges.push({ edge, at: performance.now() - started }) });
    expect(edges.map((e) => e.edge)).toEqual(['open', 'close']);
    expect(edges[0]!.at).toBeGreaterThanOrEqual(99);
    expect(edges[1]!.at).toBeGreaterThanOrEqual(299);
    expect(result.ok).toBeGreaterThan(0);
  });

  it('closes the window when it stops early on a request count', async () => {
    const edges: string[] = [];
    const result = await runLoad({ port, concurrency: 1, durationMs: 60_000, maxRequests: 20, request: () => ({ method: 'GET', path: '/' }), onWindow: (edge) => edges.push(edge) });
    expect(result.ok).toBe(20);
    expect(edges).toEqual(['open', 'close']);
  });
});
