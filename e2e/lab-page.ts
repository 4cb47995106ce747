// Page object for the lab: actions named by intent, found the way a person (or a screen reader)
// finds them — by role and accessible name.
import { expect, type Locator, type Page } from '@playwright/test';

export class LabPage {
  constructor(readonly page: Page) {}

  async open(cluster = 'default'): Promise<void> {
    await this.page.goto(`/?cluster=${cluster}`);
  }

  get status(): Locator {
    return this.page.getByRole('status', { name: 'Cluster status' });
  }

  node(id: string): Locator {
    return this.page.getByRole('region', { name: `Node ${id}` });
  }

  nodeState(id: string): Locator {
    return this.page.getByLabel(`State of ${id}`);
  }

  /** Waits until the page shows a leader and returns its id. */
  async waitForLeader(not?: string): Promise<string> {
    let leader = '';
    await expect
      .poll(async () => {
        const text = (await this.status.textContent()) ?? '';
        leader = /Leader (n\d+)/.exec(text)?.[1] ?? '';
        return leader !== '' && leader !== not;
      }, { message: not ? `a leader other than ${not}` : 'a leader' })
      .toBe(true);
    return leader;
  }

  async kill(id: string): Promise<void> {
    await this.node(id).getByRole('button', { name: `Kill ${id}` }).click();
    await expect(this.nodeState(id)).toHaveText('down');
  }

  async restart(id: string): Promise<void> {
    await this.node(id).getByRole('button', { name: `Restart ${id}` }).click();
  }

  async write(key: string, value: string): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Write a key' });
    await form.getByLabel('Key').fill(key);
    await form.getByLabel('Value').fill(value);
    await form.getByRole('button', { name: 'Write' }).click();
    await expect(form.getByRole('status')).toContainText(`${key} committed at index`);
  }

  keysOn(id: string): Locator {
    return this.page.getByRole('table', { name: `Keys on ${id}` });
  }

  async nodeIds(): Promise<string[]> {
    const names = await this.page.getByRole('region', { name: /^Node n\d+$/ }).evaluateAll((sections) => sections.map((section) => section.getAttribute('aria-label') ?? ''));
    return names.map((name) => name.replace('Node ', ''));
  }
}
