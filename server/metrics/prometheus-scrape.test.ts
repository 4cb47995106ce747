// A real Prometheus (Debian's, unprivileged, its storage in a temporary directory, on a free
// loopback port) scrapes a running lab every second with the alert rules of deploy/ loaded: its
// query API answers etcd_server_has_leader for each node, knows every metric the Grafana
// dashboard reads, evaluates every dashboard query, and evaluates the alert rules without error.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaderIn, startTestLab, type TestLab } from '../http/lab-test-server.ts';
import { dashboardQueries, metricNamesIn } from './dashboard-queries.ts';
import { prometheusServer } from './prometheus-binaries.ts';

const RULES = join(import.meta.dirname, '..', '..', 'deploy', 'prometheus', 'raftlab-alerts.yml');
let t: TestLab;
let prometheus: ChildProcess | undefined;
let api = '';
let log = '';
const scratch = mkdtempSync(join(tmpdir(), 'raftlab-prometheus-test-'));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a value, failing with what Prometheus logged if it never does. */
async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (prometheus?.exitCode !== null && prometheus?.exitCode !== undefined) throw new Error(`prometheus exited (${prometheus.exitCode}) waiting for ${what}:\n${log.slice(-3000)}`);
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; prometheus said:\n${log.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function query(promql: string): Promise<{ status: string; data: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> }; error?: string }> {
  const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`);
  return (await response.json()) as never;
}

beforeAll(async () => {
  const binary = prometheusServer();
  t = await startTestLab({ nodes: 3 });
  await t.until('default', 'every node following a leader', (view) => {
    const leader = leaderIn(view);
    return leader !== null && view.nodes.every((node) => node.life === 'alive' && node.leader === leader);
  });
  const lab = new URL(t.url);
  const config = join(scratch, 'prometheus.yml');
  writeFileSync(
    config,
    JSON.stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [RULES],
      scrape_configs: [{ job_name: 'raftlab', metrics_path: '/metrics', static_configs: [{ targets: [`${lab.hostname}:${lab.port}`] }] }],
    }),
  );
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  prometheus = spawn(binary, [`--config.file=${config}`, `--storage.tsdb.path=${join(scratch, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString('utf8')).slice(-20_000);
  };
  prometheus.stdout!.on('data', keep);
  prometheus.stderr!.on('data', keep);
  await until('prometheus ready', async () => ((await fetch(`${api}/-/ready`)).ok ? true : null));
});

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
    prometheus.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
  }
  await t?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe('a real Prometheus scraping the lab', () => {
  it('answers etcd_server_has_leader = 1 for each node of the cluster', async () => {
    const answer = await until('etcd_server_has_leader for three nodes', async () => {
      const result = await query('etcd_server_has_leader{cluster="default"}');
      return result.status === 'success' && result.data.result.length === 3 ? result : null;
    });
    expect(answer.data.result.map((series) => series.metric['node']).sort()).toEqual(['n1', 'n2', 'n3']);
    for (const series of answer.data.result) {
      expect(series.metric).toMatchObject({ __name__: 'etcd_server_has_leader', cluster: 'default', job: 'raftlab' });
      expect(series.value[1]).toBe('1');
    }
    const leaders = await query('sum(etcd_server_is_leader{cluster="default"})');
    expect(leaders.data.result[0]?.value[1]).toBe('1');
  });

  it('knows every metric the dashboard reads and evaluates every dashboard query', async () => {
    const wanted = [...new Set(dashboardQueries().flatMap(metricNamesIn))];
    await until('every dashboard metric scraped', async () => {
      const response = await fetch(`${api}/api/v1/label/__name__/values`);
      const names = new Set(((await response.json()) as { data: string[] }).data);
      return wanted.every((name) => names.has(name)) ? true : null;
    });
    for (const promql of dashboardQueries()) {
      const result = await query(promql);
      expect(result.status, `${promql}: ${result.error ?? ''}`).toBe('success');
    }
    // The round-trip panel has data: a leader's heartbeats were answered.
    const rtt = await until('a round-trip rate', async () => {
      const result = await query('sum by (node, To) (rate(etcd_network_peer_round_trip_time_seconds_count{cluster="default"}[1m])) > 0');
      return result.data.result.length === 2 ? result : null;
    });
    expect(new Set(rtt.data.result.map((series) => series.metric['node'])).size).toBe(1);
  });

  it('evaluates the alert rules of deploy/ with no error, none firing on a healthy cluster', async () => {
    const groups = await until('the rules evaluated', async () => {
      const response = await fetch(`${api}/api/v1/rules`);
      const body = (await response.json()) as { data: { groups: Array<{ rules: Array<{ name: string; health: string; state: string; lastEvaluation: string }> }> } };
      const rules = body.data.groups.flatMap((group) => group.rules);
      return rules.length === 4 && rules.every((rule) => !rule.lastEvaluation.startsWith('0001')) ? rules : null;
    });
    for (const rule of groups) {
      expect(rule.health, rule.name).toBe('ok');
      expect(rule.state, rule.name).toBe('inactive');
    }
  });
});
