// The grader on real processes: our core wrapped as a Maelstrom node passes every check; a node
// that answers from its own copy (every node "leads", nothing is replicated) fails, and the report
// says why.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatReport, grade } from './grade.ts';
import { parseRecording, type Recording } from '../../../shared/protocol/recording.ts';
import { applyEvent } from '../../../shared/protocol/reduce-view.ts';
import type { ClusterView } from '../../../shared/protocol/views.ts';

/** The view the page shows after the recording's events before `seq` (the page's own reducer). */
function viewBefore(recording: Recording, seq: number): ClusterView {
  const view = structuredClone(recording.start);
  for (const event of recording.events) if (event.seq < seq) applyEvent(view, event);
  return view;
}

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

  it('fails the wrong Raft (votes without the log check): a node that missed committed writes is elected, and each failed check is a recording that opens at the moment', async () => {
    const recordDir = mkdtempSync(join(tmpdir(), 'raftlab-grade-recordings-'));
    try {
      const report = await grade({ command: resolve('examples/wrong-raft/node.ts'), nodes: 3, phaseSeconds: 0.2, recordDir });
      const card = formatReport(report);
      const lagging = report.checks.find((check) => check.name === 'a lagging node cannot win an election');
      expect(lagging?.outcome, card).toBe('failed');
      expect(lagging?.detail).toMatch(/was elected without an entry the others had committed .* its voters did not check its log/);
      expect(report.checks.find((check) => check.name === 'invariants')?.detail).toMatch(/leader-completeness/);

      // One file per failed check, in this run's folder, named on the card with how to open it.
      const failed = report.checks.filter((check) => check.outcome === 'failed');
      expect(report.recordings?.startsWith(recordDir)).toBe(true);
      expect(readdirSync(report.recordings!)).toHaveLength(failed.length);
      expect(card).toContain(`Recordings of the failed checks are in ${report.recordings}: open one on the lab page (npm start): Recordings → Import a recording, then Replay`);
      for (const check of failed) {
        expect(card).toContain(`✗ ${check.name}: `);
        expect(card).toContain(`recording: ${check.recording}`);
        const parsed = parseRecording(readFileSync(check.recording!, 'utf8'));
        if (!parsed.ok) throw new Error(`${check.name}: ${parsed.error}`);
        const { moment, events, start } = parsed.recording;
        // It opens at the moment the check failed, and that moment is inside the recording.
        expect(moment?.time, check.name).toBe(check.failedAt);
        expect(moment!.label).toMatch(new RegExp(`^${check.name} failed: `));
        expect(moment!.time).toBeGreaterThanOrEqual(start.clock.now);
        expect(moment!.time).toBeLessThanOrEqual(events.at(-1)!.time);
        expect(events.length).toBeGreaterThan(0);
      }

      // The lagging election's recording holds the monitor's finding, at the moment it opens: the
      // page's view just before it has no such violation, and from it on it has.
      const recording = (parseRecording(readFileSync(lagging!.recording!, 'utf8')) as { recording: Recording }).recording;
      const found = recording.events.find((event) => event.type === 'violation' && event.invariant === 'leader-completeness');
      if (found?.type !== 'violation') throw new Error('the recording holds no leader-completeness violation');
      expect(recording.moment!.time).toBe(found.time);
      expect(viewBefore(recording, found.seq).violations.some((v) => v.invariant === 'leader-completeness')).toBe(false);
      expect(viewBefore(recording, found.seq + 1).violations.some((v) => v.invariant === 'leader-completeness')).toBe(true);
      // It starts before the check: the kill of the leader that let the lagging node campaign is in it.
      expect(recording.events.some((event) => event.type === 'node-killed')).toBe(true);
    } finally {
      rmSync(recordDir, { recursive: true, force: true });
    }
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
