// Time travel and recordings: scrub back through what the real nodes did (the past does not lie),
// return to LIVE, save a recording to IndexedDB, reload, replay it (also offline), rename, export,
// import (validated), delete.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

async function blur(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

test('scrub back before a kill and the node is alive there; LIVE shows it down again', async ({ page, labPage: lab }) => {
  await lab.open();
  const leader = await lab.waitForLeader();
  const victim = (await lab.nodeIds()).find((id) => id !== leader)!;
  await lab.kill(victim);

  const timeline = page.getByRole('slider', { name: 'Timeline' });
  const moment = page.getByRole('status', { name: 'Moment shown' }).or(page.getByLabel('Moment shown'));
  await expect(moment).toHaveText('LIVE');
  await blur(page);
  await page.keyboard.press('ArrowLeft');
  await expect(moment).toHaveText(/s ago/);
  await expect(lab.status).toContainText('(replay)');
  await expect(page.getByRole('group', { name: 'Time controls' }).getByRole('button', { name: /Pause|Resume/ })).toBeDisabled();

  await timeline.fill((await timeline.getAttribute('min'))!);
  await expect(lab.nodeState(victim)).not.toHaveText('down');
  await page.getByRole('button', { name: 'LIVE' }).click();
  await expect(moment).toHaveText('LIVE');
  await expect(lab.nodeState(victim)).toHaveText('down');
  await lab.restart(victim);
  await expect(lab.nodeState(victim)).toHaveText('follower');
});

test('← and → step through the recorded past a tenth of a virtual second at a time; L returns to LIVE', async ({ page, labPage: lab }) => {
  await lab.open();
  await lab.waitForLeader();
  const timeline = page.getByRole('slider', { name: 'Timeline' });
  const moment = page.getByLabel('Moment shown');
  const shown = async () => Number(await timeline.inputValue());
  // Enough recorded (over 0.3 virtual seconds) that two steps back stay inside the recording.
  await expect.poll(async () => Number(await timeline.getAttribute('max')) - Number(await timeline.getAttribute('min'))).toBeGreaterThan(300);

  await blur(page);
  await page.keyboard.press('ArrowLeft');
  await expect(moment).toHaveText(/s ago/);
  const back = await shown();
  await page.keyboard.press('ArrowLeft');
  await expect.poll(shown, { message: 'one step further back' }).toBeCloseTo(back - 100, 3);
  await page.keyboard.press('ArrowRight');
  await expect.poll(shown, { message: '→ one step forward' }).toBeCloseTo(back, 3);
  await expect(lab.status).toContainText('(replay)');

  await page.keyboard.press('l');
  await expect(moment).toHaveText('LIVE');
  await expect(page.getByRole('button', { name: 'LIVE' })).toHaveAttribute('aria-pressed', 'true');
  await expect(lab.status).not.toContainText('(replay)');
});

test('save a recording, reload, replay it from IndexedDB, rename, open offline, delete', async ({ page, labPage: lab }) => {
  await lab.open();
  await lab.waitForLeader();
  await lab.write(`rec-${Date.now().toString(36)}`, 'v');
  const save = page.getByRole('form', { name: 'Save a recording' });
  await save.getByLabel('Recording name').fill('failover demo');
  await save.getByRole('button', { name: 'Save recording' }).click();
  const list = page.getByRole('list', { name: 'Saved recordings' });
  await expect(list.getByRole('listitem', { name: 'Recording failover demo' })).toBeVisible();

  await page.reload();
  await expect(list.getByRole('listitem', { name: 'Recording failover demo' })).toBeVisible();
  await list.getByRole('button', { name: 'Replay failover demo' }).click();
  await expect(page.getByRole('banner')).toContainText('recording “failover demo”');
  await expect(lab.status).toContainText('(replay)');
  // Replay starts playing from the beginning of the recording (it may already have reached its end).
  await expect(page.getByLabel('Moment shown')).toHaveText(/ s of /);
  await expect(page.getByRole('list', { name: 'Operation history' }).or(page.getByRole('table', { name: 'Operation history' }))).toContainText('rec-');
  await page.getByRole('button', { name: 'LIVE' }).click();
  await expect(page.getByLabel('Moment shown')).toHaveText('LIVE');

  await list.getByRole('button', { name: 'Rename failover demo' }).click();
  await list.getByLabel('New name for failover demo').fill('renamed demo');
  await list.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(list.getByRole('listitem', { name: 'Recording renamed demo' })).toBeVisible();

  // Offline: the replay link needs no server connection at all.
  await list.getByRole('link', { name: 'Open renamed demo offline' }).click();
  await expect(page.getByRole('banner')).toContainText('recording “renamed demo”');
  await expect(lab.status).toContainText('(replay)');
  await expect(page.getByRole('region', { name: /^Node n\d$/ }).first()).toBeVisible();

  await lab.open();
  await list.getByRole('button', { name: 'Delete renamed demo' }).click();
  await expect(list.getByRole('listitem', { name: 'Recording renamed demo' })).toHaveCount(0);
});

test('export a recording as a file and import it back; a bad file is refused', async ({ page, labPage: lab }, testInfo) => {
  await lab.open();
  await lab.waitForLeader();
  const save = page.getByRole('form', { name: 'Save a recording' });
  await save.getByLabel('Recording name').fill('to export');
  await save.getByRole('button', { name: 'Save recording' }).click();
  const list = page.getByRole('list', { name: 'Saved recordings' });
  const downloading = page.waitForEvent('download');
  await list.getByRole('button', { name: 'Export to export' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('to-export.raftlab.json');
  const file = testInfo.outputPath('exported.json');
  await download.saveAs(file);
  await list.getByRole('button', { name: 'Delete to export' }).click();
  await expect(list.getByRole('listitem', { name: 'Recording to export' })).toHaveCount(0);

  await page.getByLabel('Import a recording').setInputFiles(file);
  await expect(lab.notices).toContainText('Imported recording “to export”');
  await expect(list.getByRole('listitem', { name: 'Recording to export' })).toBeVisible();

  await page.getByLabel('Import a recording').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"raftlab-recording","version":1}') });
  await expect(lab.notices).toContainText('Import refused: not a raftlab recording');

  const svg = page.waitForEvent('download');
  await page.getByRole('group', { name: 'Export a diagram' }).getByRole('button', { name: 'Ring as SVG' }).click();
  expect((await svg).suggestedFilename()).toBe('raftlab-ring.svg');
  const png = page.waitForEvent('download');
  await page.getByRole('group', { name: 'Export a diagram' }).getByRole('button', { name: 'Space-time as PNG' }).click();
  expect((await png).suggestedFilename()).toBe('raftlab-spacetime.png');
});
