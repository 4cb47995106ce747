// Each node's own API port as a student meets it on the page: every card names the node's
// VAULT_ADDR, and a write sent to a follower's address is forwarded to the leader as a message the
// page shows on the bus (held there until the bus is released), then answered.
import { expect, test } from './fixtures.ts';

test("each node's card names its own API address; a write sent to a follower's shows as a Forward on the bus", async ({ page, labPage: lab }) => {
  await lab.open();
  const leader = await lab.waitForLeader();
  const follower = (await lab.nodeIds()).find((id) => id !== leader)!;
  const card = page.getByLabel(`${follower}'s own API address`);
  await expect(card).toHaveText(/^VAULT_ADDR=http:\/\/127\.0\.0\.1:\d+$/);
  const address = (await card.textContent())!.replace('VAULT_ADDR=', '');

  const time = page.getByRole('group', { name: 'Time controls' });
  await time.getByRole('button', { name: 'Hold messages' }).click();
  await expect.poll(async () => (await lab.serverView()).held, { message: "the server's bus held" }).toBe(true);
  const write = fetch(`${address}/v1/secret/data/forwarded`, {
    method: 'PUT',
    headers: { 'x-vault-token': lab.cluster.token, 'content-type': 'application/json' },
    body: JSON.stringify({ data: { v: 1 } }),
  });
  const inFlight = page.getByRole('list', { name: 'Messages in flight' });
  await expect(inFlight.getByRole('button', { name: new RegExp(`^Inspect message #\\d+: ${follower}→${leader} Forward #\\d+ write`) })).toBeVisible();
  await time.getByRole('button', { name: 'Release messages' }).click();
  const answer = await write;
  expect(answer.status).toBe(200);
  expect(((await answer.json()) as { data: { version: number } }).data.version).toBe(1);
});
