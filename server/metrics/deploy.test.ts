// deploy/: the alert rules pass `promtool check rules` and their own `promtool test rules` file
// (each alert fires on what should fire it, and not on its near miss), and every query of the
// Grafana dashboard is valid PromQL (promtool checks it as a recording rule) over metrics that
// /metrics exposes (the scrape test runs them on a real Prometheus).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { promtool } from './prometheus-binaries.ts';
import { dashboardQueries, metricNamesIn } from './dashboard-queries.ts';

const run = promisify(execFile);
const DEPLOY = join(import.meta.dirname, '..', '..', 'deploy');
const RULES = join(DEPLOY, 'prometheus', 'raftlab-alerts.yml');
const scratch = mkdtempSync(join(tmpdir(), 'raftlab-deploy-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** promtool's exit code and output, whether it passed or not. */
async function promtoolRun(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(promtool(), args, { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: Number(failed.code ?? 1), output: (failed.stdout ?? '') + (failed.stderr ?? '') };
  }
}

describe('deploy/prometheus/raftlab-alerts.yml', () => {
  it('passes promtool check rules: four rules', async () => {
    const checked = await promtoolRun(['check', 'rules', RULES], DEPLOY);
    expect(checked.output).toMatch(/SUCCESS: 4 rules found/);
    expect(checked.code).toBe(0);
  });

  it('passes its promtool test rules file: no leader, frequent leader changes, fsync p99', async () => {
    const tested = await promtoolRun(['test', 'rules', 'raftlab-alerts.test.yml'], join(DEPLOY, 'prometheus'));
    expect(tested.output).toMatch(/SUCCESS/);
    expect(tested.code).toBe(0);
    for (const alert of ['RaftlabNoLeader', 'RaftlabClusterNoLeader', 'RaftlabFrequentLeaderChanges', 'RaftlabHighFsyncDurations']) {
      expect(readFileSync(join(DEPLOY, 'prometheus', 'raftlab-alerts.test.yml'), 'utf8')).toContain(`alertname: ${alert}`);
    }
  });

  it('fails that test file when a threshold is wrong (the test file can fail)', async () => {
    const loose = readFileSync(RULES, 'utf8').replace('>= 0.5', '>= 2');
    expect(loose).not.toBe(readFileSync(RULES, 'utf8'));
    writeFileSync(join(scratch, 'raftlab-alerts.yml'), loose);
    writeFileSync(join(scratch, 'raftlab-alerts.test.yml'), readFileSync(join(DEPLOY, 'prometheus', 'raftlab-alerts.test.yml')));
    const tested = await promtoolRun(['test', 'rules', 'raftlab-alerts.test.yml'], scratch);
    expect(tested.code).not.toBe(0);
    expect(tested.output).toMatch(/RaftlabHighFsyncDurations/);
  });
});

describe('deploy/grafana/raftlab-dashboard.json', () => {
  it('is a dashboard whose every query is valid PromQL on the lab\'s metric names', async () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(10);
    const names = new Set(queries.flatMap(metricNamesIn));
    for (const name of ['etcd_server_has_leader', 'etcd_server_leader_changes_seen_total', 'etcd_disk_wal_fsync_duration_seconds_bucket', 'etcd_network_peer_round_trip_time_seconds_bucket', 'etcd_server_proposals_failed_total']) expect(names).toContain(name);
    // Each query as a recording rule: promtool parses it as Prometheus would.
    const rules = { groups: [{ name: 'dashboard', rules: queries.map((expr, i) => ({ record: `dashboard:query_${i}`, expr })) }] };
    writeFileSync(join(scratch, 'dashboard-rules.yml'), JSON.stringify(rules));
    const checked = await promtoolRun(['check', 'rules', 'dashboard-rules.yml'], scratch);
    expect(checked.output).toMatch(new RegExp(`SUCCESS: ${queries.length} rules found`));
    expect(checked.code).toBe(0);
  });
});
