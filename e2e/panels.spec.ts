// The panels: client operations with their history and linearizability verdict, KV per node with
// stale values, aligned logs, disk vs memory, invariants, switches, network settings, a custom
// partition, and the event feed's filters.
import { expect, test } from './fixtures.ts';

test('client panel: put, cas (refused and accepted), reads at two consistencies, delete; history and verdict', async ({ page, labPage: lab }) => {
  await lab.open();
  const leader = await lab.waitForLeader();
  const key = `fruit-${Date.now().toString(36)}`;
  await expect(await lab.clientOp('put', key, { value: 'apple' })).toContainText(`${key} committed at index`);
  await expect(await lab.clientOp('cas', key, { value: 'pear', expected: 7 })).toHaveText('conflict: check-and-set parameter did not match the current version (asked 7, current 1)');
  await expect(await lab.clientOp('cas', key, { value: 'plum', expected: 1 })).toContainText('(version 2)');
  await expect(await lab.clientOp('get', key, { consistency: 'linearizable' })).toContainText(`${key} = plum (version 2, linearizable read`);
  const follower = (await lab.nodeIds()).find((id) => id !== leader)!;
  await expect.poll(async () => (await lab.serverView()).nodes.find((node) => node.id === follower)?.role, { message: `${follower} a follower on the server` }).toBe('follower');
  // A stale read is answered by the node it was sent to, from its own state machine.
  await expect(await lab.clientOp('get', key, { consistency: 'stale', node: follower })).toContainText(new RegExp(`^${key} = .*, stale read by ${follower}\\)$`));
  await expect(await lab.clientOp('delete', key)).toContainText(`${key} committed at index`);

  const history = page.getByRole('table', { name: 'Operation history' });
  // One row per operation on this key (put, two cas, two gets, delete); only the refused cas failed.
  // (A row names the operation, not its value: values travel in their own field.)
  const rows = history.getByRole('row').filter({ hasText: key });
  await expect(rows).toHaveCount(6);
  await expect(rows.filter({ hasText: `put ${key}: committed at index` })).toHaveCount(1);
  const failed = rows.filter({ hasText: '✗ failed' });
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText(`cas ${key} if version 7: check-and-set parameter did not match`);
  await expect(page.getByRole('status', { name: 'Linearizability verdict' })).toContainText('Linearizable');
});

test('key-value view marks a lagging node stale; logs align; disk vs memory; invariants hold', async ({ page, labPage: lab }) => {
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
  await expect(log.getByRole('listitem').last()).toHaveAccessibleName(/, committed$/);

  await page.getByRole('button', { name: 'Read every disk now' }).click();
  await expect(page.getByRole('table', { name: `Disk and memory of ${leader}` })).toContainText('WAL');

  const invariants = page.getByRole('list', { name: 'Safety invariants' });
  await expect(invariants.getByRole('listitem', { name: /: holds$/ })).toHaveCount(7);
});

test('switches, network settings, a custom partition by groups, and the feed filter', async ({ page, labPage: lab }) => {
  await lab.open();
  await lab.waitForLeader();

  // A checkbox Playwright ticked is ticked whatever the server did: the server's switches are read back.
  const switches = async () => (await lab.serverView()).switches;
  const preVote = page.getByRole('checkbox', { name: /^Pre-vote/ });
  await expect(preVote).toBeChecked();
  await preVote.uncheck();
  await lab.expectDone('Pre-vote');
  await expect.poll(async () => (await switches())?.preVote, { message: 'pre-vote off on the server' }).toBe(false);
  await preVote.check();
  await expect.poll(async () => (await switches())?.preVote, { message: 'pre-vote on again on the server' }).toBe(true);
  const bug = page.getByRole('checkbox', { name: /^Commit by counting replicas/ });
  await bug.check();
  await expect.poll(async () => (await switches())?.bugs['commitByCounting'], { message: 'the commitByCounting bug on on the server' }).toBe(true);
  await bug.uncheck();
  await expect.poll(async () => (await switches())?.bugs['commitByCounting'], { message: 'the commitByCounting bug off on the server' }).toBe(false);

  const settings = page.getByRole('form', { name: 'Network settings' });
  const latency = settings.getByLabel('Latency (ms)');
  const before = await latency.inputValue();
  await latency.fill('40');
  await settings.getByLabel('Loss (%)').fill('2');
  await settings.getByRole('button', { name: 'Apply to every link' }).click();
  await lab.expectDone('Network settings');
  // The form shows its own draft; the network's defaults on the server are what Apply changed.
  const defaults = async () => (await lab.serverView()).network?.defaults;
  await expect.poll(defaults, { message: 'the server\'s network defaults' }).toMatchObject({ latency: 40, loss: 0.02 });
  await latency.fill(before);
  await settings.getByLabel('Loss (%)').fill('0');
  await settings.getByRole('button', { name: 'Apply to every link' }).click();
  await expect.poll(defaults, { message: 'the server\'s network defaults restored' }).toMatchObject({ latency: Number(before), loss: 0 });

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
  // "/" puts the cursor in the feed's text filter, so typing filters at once.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('/');
  await expect(filters.getByLabel('Containing')).toBeFocused();
  await page.keyboard.type('partitioned');
  await expect(filters.getByLabel('Containing')).toHaveValue('partitioned');
  await expect(feed.getByRole('listitem').first()).toContainText('network partitioned');
  await filters.getByLabel('Containing').fill('');
});
