// A guided tour through the HTTP API, as the page drives it: start a scenario, then run its steps.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabServer, type LabServer } from '../lab-server.ts';

let lab: LabServer;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'raftlab-tour-'));
  lab = await startLabServer({ host: '127.0.0.1', port: 0, dataDir, nodes: 3, profile: 'production', webRoot: join(dataDir, 'no-web') });
});
afterAll(async () => {
  await lab.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${lab.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { 'x-vault-token': token } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('guided tours over HTTP', () => {
  it('lists the scenarios for the picker', async () => {
    const { status, json } = await call('GET', '/api/scenarios');
    expect(status).toBe(200);
    const scenarios = (json['result'] as { scenarios: { id: string; minutes: number; summary: string }[] }).scenarios;
    expect(scenarios.map((s) => s.id)).toContain('figure-8');
    expect(scenarios.every((s) => s.summary.length > 20 && s.minutes > 0)).toBe(true);
  });

  it('starts a tour on a cluster of its own and runs every step to the end', async () => {
    expect((await call('POST', '/api/scenarios/optimistic-locking?speed=99')).status).toBe(400);
    const started = await call('POST', '/api/scenarios/optimistic-locking?speed=1');
    expect(started.status).toBe(200);
    const { cluster, token } = started.json['result'] as { cluster: string; token: string };
    expect(cluster).toMatch(/^optimistic-locking-/);
    // Without the token the tour cannot be driven.
    expect((await call('POST', `/api/clusters/${cluster}/commands`, { type: 'tour-next' })).status).toBe(403);
    for (let step = 1; step <= 4; step++) {
      const next = await call('POST', `/api/clusters/${cluster}/commands`, { type: 'tour-next' }, token);
      expect(next.json, `step ${step}`).toMatchObject({ ok: true, result: { step, ok: true } });
    }
    const view = (await call('GET', `/api/clusters/${cluster}`)).json['result'] as { cluster: { tour: { status: string; step: number }; clock: { speed: number } } };
    expect(view.cluster.tour).toMatchObject({ status: 'done', step: 3 });
    expect(view.cluster.clock.speed).toBe(1);
    const over = await call('POST', `/api/clusters/${cluster}/commands`, { type: 'tour-next' }, token);
    expect(over.json).toMatchObject({ ok: false, code: 'conflict' });
  });

  it('holds time still while a person reads, and runs it only during a step (step mode)', async () => {
    const started = await call('POST', '/api/scenarios/figure-8?speed=1');
    const { cluster, token } = started.json['result'] as { cluster: string; token: string };
    const view = async () => ((await call('GET', `/api/clusters/${cluster}`)).json['result'] as { cluster: { clock: { paused: boolean; now: number }; tour: { status: string } } }).cluster;
    await expect.poll(async () => (await view()).tour.status, { timeout: 30_000 }).toBe('ready');
    const before = await view();
    expect(before.clock.paused).toBe(true);
    // The prepared logs of Figure 8 are still there: nobody was elected while the page showed step 1.
    expect(await call('POST', `/api/clusters/${cluster}/commands`, { type: 'tour-next' }, token)).toMatchObject({ json: { ok: true, result: { ok: true } } });
    const after = await view();
    expect(after.clock.paused).toBe(true);
    expect(after.clock.now).toBeGreaterThanOrEqual(before.clock.now);
  });

  it('takes a prediction only where a step asks one, and only one of its choices; scores it from what happened', async () => {
    const started = await call('POST', '/api/scenarios/quorum-loss?speed=1');
    const { cluster, token } = started.json['result'] as { cluster: string; token: string };
    const next = (body: Record<string, unknown> = {}) => call('POST', `/api/clusters/${cluster}/commands`, { type: 'tour-next', ...body }, token);
    const tour = async () => ((await call('GET', `/api/clusters/${cluster}`)).json['result'] as { cluster: { tour: { question: { prompt: string; choices: string[] } | null; score: { asked: number; right: number } } } }).cluster.tour;
    // Step 1 asks nothing.
    expect(await next({ prediction: 'yes' })).toMatchObject({ status: 400, json: { ok: false, code: 'bad-request', error: expect.stringContaining('asks no question') } });
    expect((await next()).json).toMatchObject({ ok: true, result: { step: 1, ok: true } });
    expect((await next()).json).toMatchObject({ ok: true, result: { step: 2, ok: true } });
    // Step 3: "Two of five nodes are up. Will a write commit?"
    expect((await tour()).question).toEqual({ prompt: 'Two of five nodes are up. Will a write commit?', choices: ['yes', 'no'] });
    expect(await next({ prediction: 'maybe' })).toMatchObject({ status: 400, json: { code: 'bad-request', error: 'prediction must be one of yes, no; got "maybe"' } });
    const judged = await next({ prediction: 'yes' });
    expect(judged.json).toMatchObject({ ok: true, result: { step: 3, prediction: { guess: 'yes', actual: 'no', right: false } } });
    expect((await tour()).score).toEqual({ asked: 1, right: 0 });
  });

  it('refuses an unknown scenario with a clear error', async () => {
    const { status, json } = await call('POST', '/api/scenarios/nope');
    expect(status).toBe(404);
    expect(String(json['error'])).toMatch(/no scenario named nope/);
  });
});
