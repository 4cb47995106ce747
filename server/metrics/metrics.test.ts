// /metrics on a real lab: promtool accepts the exposition as it is, and etcd's metrics mean what
// etcd's do — a leader change is counted by the members that saw it, a write that cannot commit is
// a failed proposal, the round trip is measured from the leader to each follower, every member's
// fsyncs are in the histogram — and a deleted cluster leaves no series behind.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaderIn, startTestLab, type TestLab } from '../http/lab-test-server.ts';
import { rawRequest } from '../http/raw-http.ts';
import { promtool } from './prometheus-binaries.ts';

let t: TestLab;
beforeAll(async () => {
  t = await startTestLab({ nodes: 3 });
  // Every member follows the leader and knows its first entry committed.
  await t.until('default', 'a settled cluster', (view) => {
    const leader = leaderIn(view);
    return leader !== null && view.nodes.every((node) => node.life === 'alive' && node.leader === leader && node.commit > 0 && node.applied > 0);
  });
});
afterAll(async () => t.dispose());

async function scrape(): Promise<string> {
  const response = await fetch(`${t.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return response.text();
}

/** The value of one series, by its name and exact labels as printed. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((row) => row.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
const sumOf = (text: string, name: string, cluster = 'default'): number =>
  text
    .split('\n')
    .filter((row) => row.startsWith(`${name}{`) && row.includes(`cluster="${cluster}"`))
    .reduce((sum, row) => sum + Number(row.split(' ').at(-1)), 0);

/** `promtool check metrics` on `text` (its standard input). */
function checkMetrics(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(promtool(), ['check', 'metrics'], (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }));
    child.stdin!.end(text);
  });
}

async function command(body: Record<string, unknown>): Promise<void> {
  const answer = await rawRequest(t.url, 'POST', '/api/clusters/default/commands', { headers: { 'content-type': 'application/json', 'x-vault-token': t.token }, body: JSON.stringify(body) });
  expect(answer.status, JSON.stringify(body)).toBe(200);
}

describe('/metrics', () => {
  it('passes `promtool check metrics` as served', async () => {
    const checked = await checkMetrics(await scrape());
    expect(checked.output).toBe('');
    expect(checked.code).toBe(0);
    // promtool's lint is on: etcd's own type for proposals_committed_total (a gauge) is refused.
    const etcdTyped = await checkMetrics('# HELP etcd_server_proposals_committed_total x\n# TYPE etcd_server_proposals_committed_total gauge\netcd_server_proposals_committed_total 1\n');
    expect(etcdTyped.output).toMatch(/non-counter metrics should not have "_total" suffix/);
    expect(etcdTyped.code).not.toBe(0);
  });

  it("has etcd's names with cluster and node labels, and the lab's own as raftlab_*", async () => {
    const text = await scrape();
    const leader = leaderIn(t.lab.clusters.get('default')!.cluster.view)!;
    for (const node of ['n1', 'n2', 'n3']) {
      const labels = `{cluster="default",node="${node}"}`;
      expect(value(text, `etcd_server_has_leader${labels}`), node).toBe(1);
      expect(value(text, `etcd_server_is_leader${labels}`), node).toBe(node === leader ? 1 : 0);
      expect(value(text, `etcd_server_proposals_committed_total${labels}`)).toBeGreaterThan(0);
      expect(value(text, `etcd_server_proposals_applied_total${labels}`)).toBeGreaterThan(0);
      expect(value(text, `etcd_server_proposals_pending${labels}`)).toBeGreaterThanOrEqual(0);
      expect(value(text, `etcd_server_leader_changes_seen_total${labels}`)).toBeGreaterThanOrEqual(1);
      expect(value(text, `etcd_disk_wal_fsync_duration_seconds_count${labels}`), `${node} fsyncs`).toBeGreaterThan(0);
      expect(value(text, `etcd_disk_wal_fsync_duration_seconds_bucket{le="+Inf",cluster="default",node="${node}"}`)).toBe(value(text, `etcd_disk_wal_fsync_duration_seconds_count${labels}`));
      expect(value(text, `raftlab_node_term${labels}`)).toBeGreaterThan(0);
      expect(value(text, `raftlab_node_up${labels}`)).toBe(1);
    }
    expect(text).toMatch(/^# TYPE etcd_disk_wal_fsync_duration_seconds histogram$/m);
    expect(text).toMatch(/^# TYPE etcd_network_peer_round_trip_time_seconds histogram$/m);
    expect(text).toMatch(/^raftlab_node_role\{cluster="default",node="n\d",role="leader"\} 1$/m);
    expect(text).toMatch(/^raftlab_cluster_messages_total\{cluster="default",outcome="delivered"\} [1-9]\d*$/m);
    expect(text).toMatch(/^raftlab_clusters 1$/m);
    expect(text).toMatch(/^raftlab_ws_connections \d+$/m);
    expect(text).toMatch(/^raftlab_events_per_second [\d.]+$/m);
  });

  it('measures the round trip from the leader to each follower, and from no one else', async () => {
    const leader = leaderIn(t.lab.clusters.get('default')!.cluster.view)!;
    const followers = ['n1', 'n2', 'n3'].filter((node) => node !== leader);
    // Heartbeats go out every few ticks; poll the scrape until both links have answers.
    let text = '';
    for (let attempt = 0; attempt < 100; attempt++) {
      text = await scrape();
      if (followers.every((to) => (value(text, `etcd_network_peer_round_trip_time_seconds_count{cluster="default",node="${leader}",To="${to}"}`) ?? 0) > 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const to of followers) {
      const count = value(text, `etcd_network_peer_round_trip_time_seconds_count{cluster="default",node="${leader}",To="${to}"}`)!;
      expect(count, `${leader} → ${to}`).toBeGreaterThan(0);
      expect(value(text, `etcd_network_peer_round_trip_time_seconds_sum{cluster="default",node="${leader}",To="${to}"}`)).toBeGreaterThan(0);
    }
    for (const from of followers) expect(text).not.toMatch(new RegExp(`^etcd_network_peer_round_trip_time_seconds_count\\{cluster="default",node="${from}"`, 'm'));
  });

  it('counts a leader change on every member that saw it, and a write that cannot commit as a failed proposal', async () => {
    const before = await scrape();
    const cluster = t.lab.clusters.get('default')!.cluster;
    const old = leaderIn(cluster.view)!;
    const survivors = ['n1', 'n2', 'n3'].filter((node) => node !== old);
    const seen = (text: string, node: string): number => value(text, `etcd_server_leader_changes_seen_total{cluster="default",node="${node}"}`)!;
    await command({ type: 'kill', node: old });
    await t.until('default', 'a new leader', (view) => (leaderIn(view) !== null && leaderIn(view) !== old ? true : null));
    await t.until('default', 'both survivors follow it', (view) => survivors.every((id) => view.nodes.find((node) => node.id === id)?.leader === leaderIn(view)));
    const after = await scrape();
    for (const node of survivors) expect(seen(after, node), node).toBe(seen(before, node) + 1);
    expect(value(after, `etcd_server_has_leader{cluster="default",node="${old}"}`)).toBe(0);
    await command({ type: 'restart', node: old });
    await t.until('default', `${old} back under the leader`, (view) => view.nodes.find((node) => node.id === old)?.leader === leaderIn(view) && leaderIn(view) !== null);

    // A majority down: the write cannot commit (503), and is a failed proposal.
    const failedBefore = sumOf(await scrape(), 'etcd_server_proposals_failed_total');
    const standing = leaderIn(cluster.view)!;
    const down = ['n1', 'n2', 'n3'].filter((node) => node !== standing);
    for (const node of down) await command({ type: 'kill', node });
    const write = await rawRequest(t.url, 'PUT', '/c/default/v1/secret/data/metrics/lost', { headers: { 'x-vault-token': t.token }, body: '{"data":{"v":1}}' });
    expect(write.status).toBe(503);
    expect(sumOf(await scrape(), 'etcd_server_proposals_failed_total')).toBeGreaterThan(failedBefore);
    for (const node of down) await command({ type: 'restart', node });
    await t.until('default', 'a leader again', leaderIn);
    // A check-and-set refusal is a proposal that committed and was refused: not a failure.
    await t.until('default', 'all up', (view) => view.nodes.every((node) => node.life === 'alive'));
    const put = (body: string) => rawRequest(t.url, 'PUT', '/c/default/v1/secret/data/metrics/cas', { headers: { 'x-vault-token': t.token }, body });
    expect((await put('{"data":{"v":1}}')).status).toBe(200);
    const failedBeforeCas = sumOf(await scrape(), 'etcd_server_proposals_failed_total');
    expect((await put('{"data":{"v":2},"options":{"cas":7}}')).status).toBe(400);
    expect(sumOf(await scrape(), 'etcd_server_proposals_failed_total')).toBe(failedBeforeCas);
  });

  it("drops a deleted cluster's series, histograms included", async () => {
    const created = await rawRequest(t.url, 'POST', '/api/clusters', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nodes: 1, profile: 'production', name: 'brief' }) });
    expect(created.status).toBe(201);
    await t.until('brief', 'a leader', leaderIn);
    await t.until('brief', 'a synced write', (view) => (view.nodes[0]?.disk?.fsyncs ?? 0) > 0);
    expect(await scrape()).toMatch(/^etcd_disk_wal_fsync_duration_seconds_count\{cluster="brief",node="n1"\} [1-9]/m);
    expect((await rawRequest(t.url, 'DELETE', '/api/clusters/brief', { headers: { 'x-vault-token': created.json.result.token } })).status).toBe(200);
    const text = await scrape();
    expect(text).not.toContain('cluster="brief"');
    expect(text).toMatch(/^raftlab_clusters 1$/m);
  });
});
