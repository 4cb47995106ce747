// The grader on real processes: our core wrapped as a Maelstrom node passes every check; a node
// that answers from its own copy (every node "leads", nothing is replicated) fails, and the report
// says why.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatReport, grade } from './grade.ts';

/** Every node claims to lead term 1 and serves lin-kv from its own map: fast, and wrong. */
const LOCAL_ONLY = `
import { createInterface } from 'node:readline';
let id;
const kv = new Map();
const send = (dest, body) => process.stdout.write(JSON.stringify({ src: id, dest, body }) + '\\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  const reply = (body) => send(m.src, { ...body, in_reply_to: m.body.msg_id });
  switch (m.body.type) {
    case 'init':
      id = m.body.node_id;
      reply({ type: 'init_ok' });
      send('raftlab', { type: 'state', role: 'leader', term: 1, voted_for: id, commit_index: 0, log_terms: [] });
      break;
    case 'write': kv.set(m.body.key, m.body.value); reply({ type: 'write_ok' }); break;
    case 'read': kv.has(m.body.key) ? reply({ type: 'read_ok', value: kv.get(m.body.key) }) : reply({ type: 'error', code: 20 }); break;
    case 'cas':
      if (!kv.has(m.body.key)) reply({ type: 'error', code: 20 });
      else if (kv.get(m.body.key) !== m.body.from) reply({ type: 'error', code: 22 });
      else { kv.set(m.body.key, m.body.to); reply({ type: 'cas_ok' }); }
  }
});`;

describe('npm run grade', () => {
  it('passes our own core as a Maelstrom process', async () => {
    const report = await grade({ command: resolve('examples/raftlab-core-node.ts'), nodes: 3, phaseSeconds: 0.5 });
    const card = formatReport(report);
    expect(report.failed, card).toBe(0);
    expect(report.checks.map((check) => `${check.outcome} ${check.name}`)).toEqual([
      'passed cold start',
      'passed leader killed',
      'passed follower killed and restarted',
      'passed minority partitioned',
      'passed leader partitioned from the majority',
      'passed loss, duplication and reordering',
      'passed leader paused',
      'passed a lagging node cannot win an election',
      'passed linearizable',
      'passed invariants',
    ]);
    expect(card).toMatch(/\n10 passed, 0 failed$/);
    expect(report.metrics.operations.ok).toBeGreaterThan(0);
  }, 180_000);

  it('fails the wrong Raft (votes without the log check): a node that missed committed writes is elected', async () => {
    const report = await grade({ command: resolve('examples/wrong-raft/node.ts'), nodes: 3, phaseSeconds: 0.2 });
    const lagging = report.checks.find((check) => check.name === 'a lagging node cannot win an election');
    expect(lagging?.outcome, formatReport(report)).toBe('failed');
    expect(lagging?.detail).toMatch(/was elected without an entry the others had committed .* its voters did not check its log/);
    expect(report.checks.find((check) => check.name === 'invariants')?.detail).toMatch(/leader-completeness/);
  }, 240_000);

  it('fails a node that serves from its own copy, and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftlab-grade-test-'));
    try {
      writeFileSync(join(dir, 'local.mjs'), LOCAL_ONLY);
      const report = await grade({ command: join(dir, 'local.mjs'), nodes: 3, phaseSeconds: 0.5 });
      const failed = report.checks.filter((check) => check.outcome === 'failed').map((check) => check.name);
      expect(failed).toContain('linearizable');
      expect(failed).toContain('invariants');
      expect(report.checks.find((check) => check.name === 'invariants')?.detail).toMatch(/election-safety: Two leaders in term 1/);
      expect(report.checks.find((check) => check.name === 'linearizable')?.detail).toMatch(/is not linearizable/);
      expect(formatReport(report)).toMatch(new RegExp(`\\n${report.passed} passed, ${report.failed} failed$`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
