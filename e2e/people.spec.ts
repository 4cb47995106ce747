// For people: the help sheet, presenter mode and theme (kept in IndexedDB across reloads), a tablet
// with touch (tap a node for its menu, no sideways scrolling), a phone (the page and the ring's
// menus fit its width), and keyboard reach.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

async function blur(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

test('? opens the keyboard help; presenter mode and theme persist across a reload', async ({ page, labPage: lab }) => {
  await lab.open();
  await blur(page);
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('pause or resume time');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  const presenter = page.getByRole('button', { name: 'Presenter mode' });
  await presenter.click();
  await expect(presenter).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveClass(/presenter/);
  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('html')).toHaveCSS('background-color', 'rgb(0, 0, 0)'); // presenter, dark

  await page.reload();
  await expect(page.getByRole('button', { name: 'Presenter mode' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await blur(page);
  await page.keyboard.press('p');
  await expect(page.getByRole('button', { name: 'Presenter mode' })).toHaveAttribute('aria-pressed', 'false');
  await expect(page.locator('html')).toHaveCSS('background-color', 'rgb(22, 24, 28)'); // dark
  // "auto" follows the system: the same dark palette on a dark system, the light one on a light one.
  await page.getByLabel('Theme').selectOption('auto');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveCSS('background-color', 'rgb(22, 24, 28)');
  await expect(page.locator('html')).toHaveCSS('color', 'rgb(232, 230, 225)');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveCSS('background-color', 'rgb(251, 250, 247)');
});

test('T cycles the theme: auto, light, dark, and auto again', async ({ page, labPage: lab }) => {
  // On a dark system "auto" is dark, so each press changes what the page looks like.
  await page.emulateMedia({ colorScheme: 'dark' });
  await lab.open();
  const html = page.locator('html');
  const theme = page.getByLabel('Theme');
  await expect(html).toHaveAttribute('data-theme', 'auto');
  await expect(html).toHaveCSS('background-color', 'rgb(22, 24, 28)');
  const press = async () => {
    await blur(page);
    await page.keyboard.press('t');
  };
  await press();
  await expect(theme).toHaveValue('light');
  await expect(html).toHaveAttribute('data-theme', 'light');
  await expect(html).toHaveCSS('background-color', 'rgb(251, 250, 247)');
  await press();
  await expect(theme).toHaveValue('dark');
  await expect(html).toHaveCSS('background-color', 'rgb(22, 24, 28)');
  await press();
  await expect(theme).toHaveValue('auto');
  await expect(html).toHaveAttribute('data-theme', 'auto');
});

test.describe('on a tablet', () => {
  test.use({ viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: true });

  test('a tap on a node opens its menu, and nothing scrolls sideways', async ({ page, labPage: lab }) => {
    await lab.open();
    const leader = await lab.waitForLeader();
    await lab.ringNode(leader).tap();
    await expect(page.getByRole('menu', { name: `Actions for ${leader}` })).toBeVisible();
    await page.keyboard.press('Escape');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('the page fits the screen, the space-time diagram scrolls inside its panel, and a ring menu opens inside the screen', async ({ page, labPage: lab }) => {
    await lab.open();
    await lab.waitForLeader();
    // The space-time diagram keeps a readable width and scrolls sideways inside its panel.
    const diagram = page.locator('[data-spacetime]');
    await diagram.scrollIntoViewIfNeeded();
    expect((await diagram.boundingBox())!.width).toBeGreaterThanOrEqual(640);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    // n2 sits on the ring's right, where a centred menu would run off a phone's screen.
    await lab.ringNode('n2').tap();
    const menu = page.getByRole('menu', { name: 'Actions for n2' });
    await expect(menu).toBeVisible();
    const box = (await menu.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  });

  test('the keyboard help reads on a phone: each key above what it does, inside the screen', async ({ page, labPage: lab }) => {
    await lab.open();
    await page.getByRole('button', { name: 'Keyboard help' }).tap();
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    const meaning = help.getByRole('cell', { name: /on the ring, Enter on a node or link opens its menu/ });
    await expect(meaning).toBeVisible();
    const box = (await meaning.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.width).toBeGreaterThan(200); // a column of its own, not squeezed beside the keys
  });
});

test('keyboard reach: Tab gets to the ring and the node cards', async ({ page, labPage: lab }) => {
  await lab.open();
  await lab.waitForLeader();
  const target = page.getByRole('button', { name: 'Actions for n1' });
  let reached = false;
  for (let i = 0; i < 80 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await target.evaluate((element) => element === document.activeElement);
  }
  expect(reached).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menu', { name: 'Actions for n1' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(target).toBeFocused();
});
