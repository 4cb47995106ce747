// The panels: client operations with their history and linearizability verdict, KV per node with
// stale values, aligned logs, disk vs memory, invariants, switches, network settings, a custom
// partition, and the event feed's filters.
import { expect, test } from './fixtures.ts';

test('client panel: put, cas (refused and accepted), reads at two consistencies, delete; history and verdict', async ({ page, lab }) => {
  await lab.open();
  await lab.waitForLeader();
  const key = `fruit-${Date.now().toString(36)}`;
  await expect(await lab.clientOp('put', key, { value: 'apple' })).toContainText(`${key} committed at index`);
  await expect(await lab.clientOp('cas', key, { value: 'pear', expected: 7 })).toContainText(/conflict|version|cas/i);
  await expect(await lab.clientOp('cas', key, { value: 'plum', expected: 1 })).toContainText('(version 2)');
  await expect(await lab.clientOp('get', key, { consistency: 'linearizable' })).toContainText(`${key} = plum (version 2, linearizable read`);
  const follower = (await lab.nodeIds()).find((id) => !/Leader/.test(id))!;
  await expect(await lab.clientOp('get', key, { consistency: 'stale', node: follower })).toContainText(`${key} =`);
  await expect(await lab.clientOp('delete', key)).toContainText(`${key} committed at index`);

  const history = page.getByRole('table', { name: 'Operation history' });
  await expect(history).toContainText(`put ${key} = apple`);
  await expect(history).toContainText('✗ failed');
  await expect(history.getByRole('row')).not.toHaveCount(1);
  await expect(page.getByRole('status', { name: 'Linearizability verdict' })).toContainText('Linearizable');
});

test('key-value view marks a lagging node stale; logs align; disk vs memory; invariants hold', async ({ page, lab }) => {
  await lab.open();
  const leader = await lab.waitForLeader();
  const lagging = (await lab.nodeIds()).find((id) => id !== leader)!;
  const key = `tide-${Date.now().toString(36)}`;
  await lab.write(key, 'low');
  await expect(lab.keysOn(lagging).getByRole('row', { name: new RegExp(key) })).toContainText('low');

  await lab.nodeAction(lagging, `Pause ${lagging}`);
  await expect(lab.nodeState(lagging)).toHaveText('paused');
  await lab.write(key, 'high');
  await expect(lab.keysOn(leader).getByRole('row', { name: new RegExp(key) })).toContainText('high');
  await expect(lab.keysOn(lagging).getByRole('row', { name: new RegExp(key) })).toContainText('stale');
  await lab.nodeAction(lagging, `Resume ${lagging}`);
  await expect(lab.keysOn(lagging).getByRole('row', { name: new RegExp(key) })).not.toContainText('stale');

  const log = page.getByRole('list', { name: `Log of ${leader}` });
  await expect(log.getByRole('listitem').last()).toHaveAccessibleName(/committed/);

  await page.getByRole('button', { name: 'Read every disk now' }).click();
  await expect(page.getByRole('table', { name: `Disk and memory of ${leader}` })).toContainText('WAL');

  const invariants = page.getByRole('list', { name: 'Safety invariants' });
  await expect(invariants.getByRole('listitem', { name: /: holds$/ })).toHaveCount(7);
});

test('switches, network settings, a custom partition by groups, and the feed filter', async ({ page, lab }) => {
  await lab.open();
  await lab.waitForLeader();

  const preVote = page.getByRole('checkbox', { name: /^Pre-vote/ });
  await expect(preVote).toBeChecked();
  await preVote.uncheck();
  await lab.expectDone('Pre-vote');
  await expect(preVote).not.toBeChecked();
  await preVote.check();
  await expect(preVote).toBeChecked();
  const bug = page.getByRole('checkbox', { name: /^Commit by counting replicas/ });
  await bug.check();
  await expect(bug).toBeChecked();
  await bug.uncheck();
  await expect(bug).not.toBeChecked();

  const settings = page.getByRole('form', { name: 'Network settings' });
  const latency = settings.getByLabel('Latency (ms)');
  const before = await latency.inputValue();
  await latency.fill('40');
  await settings.getByLabel('Loss (%)').fill('2');
  await settings.getByRole('button', { name: 'Apply to every link' }).click();
  await lab.expectDone('Network settings');
  await expect(latency).toHaveValue('40');
  await expect(settings.getByLabel('Loss (%)')).toHaveValue('2');
  await latency.fill(before);
  await settings.getByLabel('Loss (%)').fill('0');
  await settings.getByRole('button', { name: 'Apply to every link' }).click();
  await expect(latency).toHaveValue(before);

  const builder = page.getByRole('group', { name: 'Custom partition' });
  await builder.getByLabel('Group of n1').selectOption('group 2');
  await builder.getByLabel('Group of n2').selectOption('group 2');
  await builder.getByRole('button', { name: 'Apply partition' }).click();
  await expect(lab.link('n1', 'n3')).toHaveAccessibleName('Link n1–n3: cut both ways');
  await expect(lab.link('n1', 'n2')).toHaveAccessibleName('Link n1–n2: up');
  await builder.getByRole('button', { name: 'Heal every link' }).click();
  await expect(lab.link('n1', 'n3')).toHaveAccessibleName('Link n1–n3: up');

  const feed = page.getByRole('list', { name: 'Event feed' });
  const filters = page.getByRole('search', { name: 'Filter events' });
  await filters.getByLabel('Show').selectOption('network');
  await expect(feed.getByRole('listitem').first()).toContainText(/network/);
  await filters.getByLabel('Show').selectOption('all');
  await filters.getByLabel('Containing').fill('partitioned');
  await expect(feed.getByRole('listitem').first()).toContainText('network partitioned');
  await filters.getByLabel('Containing').fill('');
});
