// A failed check of the grader is something to watch: grading the wrong Raft (examples/wrong-raft)
// writes a recording of the lagging-node election it fails, and the page opens that file paused at
// the failing moment, with the invariant monitor's leader completeness already red.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { grade } from '../server/foreign/grader/grade.ts';
import { parseRecording } from '../shared/protocol/recording.ts';
import { expect, test } from './fixtures.ts';

test("a failed check's recording from the grader opens on the page at the moment it failed", async ({ page, labPage: lab }) => {
  test.setTimeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), 'raftlab-e2e-grade-'));
  try {
    const report = await grade({ command: resolve('examples/wrong-raft/node.ts'), nodes: 3, phaseSeconds: 0.2, recordDir: dir });
    const failed = report.checks.find((check) => check.name === 'a lagging node cannot win an election');
    expect(failed?.outcome).toBe('failed');
    const parsed = parseRecording(readFileSync(failed!.recording!, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error);
    const { recording } = parsed;

    await lab.open();
    await page.getByLabel('Import a recording').setInputFiles({ name: 'check.raftlab.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(recording)) });
    await expect(lab.notices).toContainText(`Imported recording “${recording.name}”`);
    const list = page.getByRole('list', { name: 'Saved recordings' });
    await list.getByRole('button', { name: `Replay ${recording.name}` }).click();
    await expect(page.getByRole('banner')).toContainText(`recording “${recording.name}”`);
    // Opened paused at the moment, and says which check failed there.
    await expect(lab.notices).toContainText(`Opened at ${(recording.moment!.time / 1000).toFixed(2)} s: a lagging node cannot win an election failed`);
    await expect(page.getByRole('button', { name: 'Play recording' })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Safety invariants' }).getByRole('listitem', { name: 'Leader completeness: VIOLATED' })).toBeVisible();

    await page.getByRole('button', { name: 'LIVE' }).click();
    await list.getByRole('button', { name: `Delete ${recording.name}` }).click();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
