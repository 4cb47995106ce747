// Guided tours in a real browser against real nodes: every scenario's shareable link runs to the
// end with every step's checks passing (at speed 1 so each takes seconds), the picker, an unknown
// scenario, and the chaos autopilot's toggle. Tours make clusters of their own and delete them.
import { SCENARIOS } from '../shared/scenarios/index.ts';
import { expect, test } from './fixtures.ts';
import { TourPage } from './tour-page.ts';

test('the page offers exactly the scenarios the server lists', async ({ request }) => {
  const body = (await (await request.get('/api/scenarios')).json()) as { result: { scenarios: { id: string }[] } };
  expect(body.result.scenarios.map((s) => s.id)).toEqual(SCENARIOS.map((s) => s.id));
});

test.describe('every tour runs to the end as narrated', () => {
  for (const scenario of SCENARIOS) {
    test(`${scenario.id}`, async ({ page }) => {
      const tour = new TourPage(page);
      const cluster = await tour.startByLink(scenario.id, 1);
      try {
        await expect(page).not.toHaveURL(/token=|scenario=/);
        await expect(tour.region.getByRole('heading', { level: 2 })).toHaveText(scenario.title);
        const checks = await tour.runToEnd(scenario.steps.length, scenario.steps.map((step) => step.predict !== undefined));
        checks.forEach((texts, i) => {
          expect(texts.length, `step ${i + 1} showed its checks`).toBeGreaterThan(0);
          for (const text of texts) expect(text.trim(), `step ${i + 1} “${scenario.steps[i]!.title}”`).toMatch(/^✓/);
        });
        await expect(tour.status).toHaveText('Tour finished.');
        await expect(tour.nextStep).toBeDisabled();
      } finally {
        await tour.deleteCluster(cluster);
      }
    });
  }
});

test('the picker lists tours by topic and starts one on a cluster of its own', async ({ page }) => {
  const tour = new TourPage(page);
  await page.goto('/');
  await tour.openPicker();
  await expect(tour.picker.getByRole('heading', { name: 'Log replication', level: 3 })).toBeVisible();
  await expect(tour.picker).toContainText('about 1 min · 3 nodes · 3 steps');
  // Each Start button names its tour for a screen reader; the dialog's title and its Close button
  // share one row (a shared page style).
  await expect(tour.picker.getByRole('button', { name: 'Start Log replication and commit' })).toHaveText('Start');
  const title = await tour.picker.getByRole('heading', { name: 'Choose a scenario' }).boundingBox();
  const close = await tour.picker.getByRole('button', { name: 'Close' }).boundingBox();
  expect(title && close && Math.abs(title.y + title.height / 2 - (close.y + close.height / 2))).toBeLessThan(8);
  expect(close!.x).toBeGreaterThan(title!.x + title!.width);
  const cluster = await tour.startFromPicker('log-replication', 'Log replication and commit');
  try {
    await expect(page).not.toHaveURL(/token=/);
    await expect(tour.region).toContainText('Step 1 of 3');
    await expect(tour.nextStep).toBeEnabled();
    // Keyboard: → with the panel focused runs the step, as Next step does.
    await tour.region.focus();
    await page.keyboard.press('ArrowRight');
    const checks = tour.region.getByRole('list', { name: 'Checks of step 1' });
    await expect(checks).toBeVisible();
    // "passed:" / "failed:" is read out beside the ✓ / ✗, not shown.
    await expect(checks.getByRole('listitem').first()).toContainText(/passed:|failed:/);
    expect((await checks.locator('.vh').first().boundingBox())?.width ?? 0).toBeLessThanOrEqual(1);
    await expect(tour.region).toContainText('Step 2 of 3');
  } finally {
    await tour.deleteCluster(cluster);
  }
});

test('predict, then see: a tour asks before the step runs, then scores the answer from what happened', async ({ page }) => {
  const tour = new TourPage(page);
  const cluster = await tour.startByLink('leader-failure', 1);
  try {
    for (const step of [1, 2]) {
      await expect(tour.region).toContainText(`Step ${step} of 6`);
      await tour.nextStep.click();
      await expect(tour.region.getByRole('list', { name: `Checks of step ${step}` })).toBeVisible({ timeout: 45_000 });
    }
    // Step 3 asks who will lead once the leader is killed; its narration waits, and so does Next step.
    await expect(tour.question).toContainText('The leader is about to be killed. Who will lead next?');
    await expect(tour.nextStep).toBeDisabled();
    await expect(tour.region).toContainText('The narration opens once you have answered');
    const status = (await page.getByRole('status', { name: 'Cluster status' }).textContent()) ?? '';
    const doomed = /Leader (n\d+)/.exec(status)![1]!;
    await tour.predict(doomed); // the one about to die: wrong, whoever wins
    await expect(tour.region).toContainText('Heartbeats stop.');
    await tour.nextStep.click();
    const judged = tour.region.getByRole('note', { name: 'Prediction', exact: true });
    await expect(judged).toContainText(`You said ${doomed}`, { timeout: 45_000 });
    await expect(judged).toContainText('✗ not this time');
    await expect(judged.locator('strong')).not.toHaveText(doomed);
    await expect(tour.region.getByRole('note', { name: 'Prediction score' })).toHaveText('Predictions right: 0 of 1');
    // Step 4: will the read still return 41? It does.
    await tour.predict('yes');
    await tour.nextStep.click();
    await expect(judged).toContainText('what happened: yes ✓ right', { timeout: 45_000 });
    await expect(tour.region.getByRole('note', { name: 'Prediction score' })).toHaveText('Predictions right: 1 of 2');
  } finally {
    await tour.deleteCluster(cluster);
  }
});

test('an unknown scenario says so and leads to the picker', async ({ page }) => {
  const tour = new TourPage(page);
  await page.goto('/?scenario=no-such-tour');
  await expect(page.getByRole('alert')).toContainText('There is no scenario “no-such-tour”');
  await page.getByRole('link', { name: 'Choose a scenario from the list' }).click();
  await expect(tour.picker).toBeVisible();
});

test('chaos autopilot: start it, watch it act, stop it', async ({ page, labPage: lab }) => {
  await lab.open();
  await lab.waitForLeader();
  // Production timing, so the autopilot acts within a second or two of real time.
  await lab.command({ type: 'clock', paused: false, speed: 1 });
  const start = page.getByRole('button', { name: 'Start chaos' });
  await expect(start).toHaveAttribute('aria-pressed', 'false');
  await start.click();
  const stop = page.getByRole('button', { name: 'Stop chaos' });
  await expect(stop).toHaveAttribute('aria-pressed', 'true');
  const report = page.getByRole('status', { name: 'Chaos autopilot' });
  await expect(report).toContainText(/[1-9]\d* actions? · last: \w+/);
  await stop.click();
  await expect(page.getByRole('button', { name: 'Start chaos' })).toHaveAttribute('aria-pressed', 'false');
  await expect(report).toContainText('(stopped)');
  await lab.waitForLeader();
});
