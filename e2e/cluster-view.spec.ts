// The cluster view: node menus (mouse and keyboard), link cuts and heals, partition presets, the
// message inspector with drop / duplicate / deliver now, and the time controls with their keys.
import type { Page } from '@playwright/test';
import type { MessageView } from '../shared/protocol/index.ts';
import { expect, test } from './fixtures.ts';

async function blur(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

test('node menu by keyboard: pause and resume a node, Escape closes', async ({ page, labPage: lab }) => {
  await lab.open();
  const leader = await lab.waitForLeader();
  const follower = (await lab.nodeIds()).find((id) => id !== leader)!;

  await lab.ringNode(follower).focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu', { name: `Actions for ${follower}` });
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: `Kill ${follower}` })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();

  await lab.ringNode(follower).focus();
  await page.keyboard.press('Enter');
  // Kill, Cut power, Restart (disabled, still reachable), Pause.
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: `Cut ${follower}'s power` })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: `Pause ${follower}` })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(lab.nodeState(follower)).toHaveText('paused');
  await expect(lab.ringNode(follower)).toHaveAccessibleName(new RegExp(`^${follower}: paused`));

  await lab.nodeAction(follower, `Resume ${follower}`);
  await expect(lab.nodeState(follower)).toHaveText(/follower|candidate|leader/);
});

test('the ring is two Tab stops, nodes and links, with the arrow keys moving inside each', async ({ page, labPage: lab }) => {
  await lab.open();
  await lab.waitForLeader();
  const ids = await lab.nodeIds();
  const ring = page.getByRole('group', { name: /^Cluster ring/ });
  // One node and one link can be reached with Tab; the rest are reached with the arrows.
  await expect(ring.locator('[data-node][tabindex="0"]')).toHaveCount(1);
  await expect(ring.locator('[data-link][tabindex="0"]')).toHaveCount(1);

  await lab.ringNode(ids[0]!).focus();
  await page.keyboard.press('ArrowRight');
  await expect(lab.ringNode(ids[1]!)).toBeFocused();
  await page.keyboard.press('End');
  await expect(lab.ringNode(ids.at(-1)!)).toBeFocused();
  await page.keyboard.press('ArrowDown'); // wraps around
  await expect(lab.ringNode(ids[0]!)).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(lab.ringNode(ids.at(-1)!)).toBeFocused();
  // The Tab stop follows focus, and the arrows did not scrub time (the page stays LIVE).
  await expect(ring.locator(`[data-node="${ids.at(-1)!}"]`)).toHaveAttribute('tabindex', '0');
  await expect(page.getByRole('button', { name: 'LIVE' })).toHaveAttribute('aria-pressed', 'true');

  // Tab leaves the nodes for the links (the links come first in the ring), Shift+Tab comes back.
  await page.keyboard.press('Shift+Tab');
  await expect(lab.link(ids[0]!, ids[1]!)).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(lab.link(ids[0]!, ids[2]!)).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(lab.ringNode(ids.at(-1)!)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menu', { name: `Actions for ${ids.at(-1)!}` })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(lab.ringNode(ids.at(-1)!)).toBeFocused();
});

test('transfer leadership and time out now from the node menu', async ({ labPage: lab }) => {
  await lab.open();
  const leader = await lab.waitForLeader();
  const target = (await lab.nodeIds()).find((id) => id !== leader)!;
  await lab.nodeAction(target, `Transfer leadership to ${target}`);
  await expect(lab.status).toContainText(`Leader ${target}`);

  const other = (await lab.nodeIds()).find((id) => id !== target)!;
  // Pre-vote off, so timing out raises the term at once (with it the node first asks in its old
  // term); time frozen, so the candidate can neither win nor be told off before it is seen.
  await lab.command({ type: 'switches', preVote: false });
  await expect.poll(async () => (await lab.serverView()).switches?.preVote).toBe(false);
  await lab.command({ type: 'clock', paused: true });
  const termBefore = (await lab.serverView()).nodes.find((node) => node.id === other)!.term;
  await lab.nodeAction(other, `Time out ${other} now`);
  await lab.expectDone(`Time out ${other} now`);
  await expect
    .poll(async () => {
      const node = (await lab.serverView()).nodes.find((candidate) => candidate.id === other)!;
      return { role: node.role, term: node.term };
    }, { message: `${other} a candidate in a new term on the server` })
    .toEqual({ role: 'candidate', term: termBefore + 1 });
  // It asks every other voter for its vote in that term.
  const voters = (await lab.nodeIds()).filter((id) => id !== other).sort();
  await expect
    .poll(async () => (await lab.serverInFlight()).filter((message) => message.from === other && message.kind === 'Vote' && message.term === termBefore + 1).map((message) => message.to).sort(), { message: `${other}'s vote requests in flight` })
    .toEqual(voters);
  await expect(lab.nodeState(other)).toHaveText('candidate');
  await lab.command({ type: 'clock', paused: false });
  await lab.waitForLeader();
});

test('click a link to cut it both ways or one way, then heal it; partition presets', async ({ page, labPage: lab }) => {
  await lab.open();
  await lab.waitForLeader();
  const link = lab.link('n1', 'n2');
  await expect(link).toHaveAccessibleName('Link n1–n2: up');

  await link.click();
  await page.getByRole('menuitem', { name: 'Cut n1↔n2 both ways' }).click();
  await expect(link).toHaveAccessibleName('Link n1–n2: cut both ways');

  await link.click();
  await page.getByRole('menuitem', { name: 'Heal n1↔n2' }).click();
  await expect(link).toHaveAccessibleName('Link n1–n2: up');

  await link.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('menuitem', { name: 'Cut n1→n2 only' }).click();
  await expect(link).toHaveAccessibleName('Link n1–n2: cut n1→n2');

  const actions = page.getByRole('toolbar', { name: 'Cluster actions' });
  await actions.getByRole('button', { name: 'Heal network' }).click();
  await expect(link).toHaveAccessibleName('Link n1–n2: up');

  const leader = await lab.waitForLeader();
  await actions.getByRole('button', { name: 'Isolate leader' }).click();
  await expect(lab.ringNode(leader)).toHaveAccessibleName(/partition group/);
  await actions.getByRole('button', { name: 'Heal network' }).click();
  await expect(lab.ringNode(leader)).not.toHaveAccessibleName(/partition group/);

  await actions.getByRole('button', { name: 'Split majority/minority' }).click();
  await expect(page.getByRole('button', { name: /^Link n\d–n\d: cut both ways/ }).first()).toBeVisible();
  await actions.getByRole('button', { name: 'Heal network' }).click();
  await expect(page.getByRole('button', { name: /^Link n\d–n\d: cut/ })).toHaveCount(0);
});

test('hold the bus, inspect a message, duplicate, deliver now, drop, and step with N', async ({ page, labPage: lab }) => {
  await lab.open();
  await lab.waitForLeader();
  const time = page.getByRole('group', { name: 'Time controls' });
  await time.getByRole('button', { name: 'Hold messages' }).click();
  await expect(time.getByRole('button', { name: 'Release messages' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await lab.serverView()).held, { message: 'the server\'s bus held' }).toBe(true);

  // Held heartbeats pile up; hidden, they are counted as hidden, not as more to see.
  await expect(page.getByText(/\d+ heartbeats? hidden/)).toBeVisible();
  await expect(page.getByText(/^and \d+ more/)).toHaveCount(0);
  await page.getByLabel('Hide heartbeats').uncheck();
  await expect(page.getByText(/\d+ heartbeats? hidden/)).toHaveCount(0);
  const inFlight = page.getByRole('list', { name: 'Messages in flight' });
  await expect(inFlight.getByRole('button', { name: /^Inspect message #/ }).first()).toBeVisible();

  const first = inFlight.getByRole('button', { name: /^Inspect message #/ }).first();
  const id = /#(\d+)/.exec((await first.getAttribute('aria-label')) ?? '')![1]!;
  let original: MessageView | undefined;
  await expect.poll(async () => (original = (await lab.serverInFlight()).find((message) => message.id === Number(id))), { message: `message #${id} in flight on the server` }).toBeDefined();
  /** The in-flight messages that are this one: the same message, arriving at the same moment. */
  const copiesOfOriginal = async () =>
    (await lab.serverInFlight()).filter((message) => message.from === original!.from && message.to === original!.to && message.kind === original!.kind && message.term === original!.term && message.deliverAt === original!.deliverAt && message.summary === original!.summary).map((message) => message.id);
  await first.click();
  const inspector = page.getByRole('dialog', { name: `Message #${id}` });
  await expect(inspector).toBeVisible();
  await expect(inspector.getByRole('table', { name: `Fields of message #${id}` })).toContainText('type');
  await inspector.getByRole('button', { name: 'Duplicate' }).click();
  await lab.expectDone(`Duplicate message #${id}`);
  // A second copy, under a new id, is in flight on the server.
  await expect.poll(copiesOfOriginal, { message: `two copies of message #${id} in flight` }).toHaveLength(2);
  const copy = (await copiesOfOriginal()).find((other) => other !== Number(id))!;
  const deliveredBefore = await lab.messagesDelivered();
  await inspector.getByRole('button', { name: 'Deliver now' }).click();
  await lab.expectDone(`Deliver message #${id} now`);
  await expect(inspector).toBeHidden();
  // The bus is held, so what it delivered is this message alone; its copy still waits.
  await expect.poll(() => lab.messagesDelivered(), { message: 'messages delivered by the server\'s bus' }).toBe(deliveredBefore + 1);
  await expect.poll(copiesOfOriginal, { message: `only the copy of message #${id} left in flight` }).toEqual([copy]);

  const second = inFlight.getByRole('button', { name: /^Inspect message #/ }).first();
  const secondId = /#(\d+)/.exec((await second.getAttribute('aria-label')) ?? '')![1]!;
  await second.click();
  await page.getByRole('dialog', { name: `Message #${secondId}` }).getByRole('button', { name: 'Drop' }).click();
  await lab.expectDone(`Drop message #${secondId}`);
  await expect(inFlight.getByRole('button', { name: new RegExp(`^Inspect message #${secondId}:`) })).toHaveCount(0);
  await expect.poll(async () => (await lab.serverInFlight()).some((message) => message.id === Number(secondId)), { message: `message #${secondId} gone from the server's bus` }).toBe(false);

  // N delivers the next message in delivery order, and only that one.
  const waiting = await lab.serverInFlight();
  const next = waiting.reduce((soonest, message) => (message.deliverAt < soonest.deliverAt || (message.deliverAt === soonest.deliverAt && message.id < soonest.id) ? message : soonest));
  const deliveredBeforeStep = await lab.messagesDelivered();
  await blur(page);
  await page.keyboard.press('n');
  await lab.expectDone('Step one message');
  await expect.poll(() => lab.messagesDelivered(), { message: 'messages delivered by one step' }).toBe(deliveredBeforeStep + 1);
  const left = new Set((await lab.serverInFlight()).map((message) => message.id));
  expect(left.has(next.id), `the next message #${next.id} was delivered`).toBe(false);
  expect(waiting.filter((message) => message.id !== next.id && !left.has(message.id)).map((message) => message.id), 'the others still wait').toEqual([]);
  await time.getByRole('button', { name: 'Release messages' }).click();
  await expect(time.getByRole('button', { name: 'Hold messages' })).toHaveAttribute('aria-pressed', 'false');
});

test('H holds and releases the bus on the server', async ({ page, labPage: lab }) => {
  await lab.open();
  await lab.waitForLeader();
  const time = page.getByRole('group', { name: 'Time controls' });
  const held = async () => (await lab.serverView()).held;
  expect(await held()).toBe(false);
  await blur(page);
  await page.keyboard.press('h');
  await expect.poll(held, { message: 'the server\'s bus held after H' }).toBe(true);
  await expect(time.getByRole('button', { name: 'Release messages' })).toHaveAttribute('aria-pressed', 'true');
  await blur(page);
  await page.keyboard.press('h');
  await expect.poll(held, { message: 'the server\'s bus released after a second H' }).toBe(false);
  await expect(time.getByRole('button', { name: 'Hold messages' })).toHaveAttribute('aria-pressed', 'false');
});

test('Space pauses and resumes time; the speed slider sets the clock', async ({ page, labPage: lab }) => {
  await lab.open();
  const time = page.getByRole('group', { name: 'Time controls' });
  await blur(page);
  await page.keyboard.press(' ');
  await expect(time.getByRole('button', { name: 'Resume' })).toBeVisible();
  await blur(page);
  await page.keyboard.press(' ');
  await expect(time.getByRole('button', { name: 'Pause' })).toBeVisible();

  await time.getByRole('slider', { name: 'Speed' }).fill('70');
  await expect(time.getByRole('slider', { name: 'Speed' })).toHaveAttribute('aria-valuetext', '0.25×');
  await expect.poll(async () => ((await (await page.request.get(`/api/clusters/${lab.cluster.name}`)).json()) as { result: { cluster: { clock: { speed: number } } } }).result.cluster.clock.speed).toBe(0.25);
  // The metrics read in virtual time, and say how long a virtual second lasts at this speed.
  await expect(page.getByLabel('Time base')).toHaveText('Times and rates are in virtual time: at 0.25× one virtual second lasts 4 real seconds.');
});
