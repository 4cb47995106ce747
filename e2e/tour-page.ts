// Page object for guided tours: start one by its shareable link or from the picker, run it step by
// step the way a person does (Next step, read the checks), and remove its cluster afterwards.
import { expect, type Locator, type Page } from '@playwright/test';
import type { ClusterAccess } from './lab-page.ts';

export class TourPage {
  constructor(readonly page: Page) {}

  get region(): Locator {
    return this.page.getByRole('region', { name: 'Tour' });
  }

  get nextStep(): Locator {
    return this.region.getByRole('button', { name: 'Next step' });
  }

  get status(): Locator {
    return this.region.getByRole('status');
  }

  /** The question the shown step asks before it runs, if any. */
  get question(): Locator {
    return this.region.getByRole('group', { name: /^Predict first: / });
  }

  /** Answers the shown step's question. */
  async predict(choice: string): Promise<void> {
    // A click, not check(): answering closes the question, so there is no radio left to verify.
    await this.question.getByRole('radio', { name: choice, exact: true }).click();
  }

  get picker(): Locator {
    return this.page.getByRole('dialog', { name: 'Choose a scenario' });
  }

  /** Opens /?scenario=ID&speed=S and waits to land on the tour's own cluster, with control. */
  async startByLink(id: string, speed?: number): Promise<ClusterAccess> {
    await this.page.goto(`/?scenario=${id}${speed === undefined ? '' : `&speed=${speed}`}`);
    return this.landed(id);
  }

  async openPicker(): Promise<void> {
    await this.page.getByRole('button', { name: 'Scenarios' }).click();
    await expect(this.picker).toBeVisible();
  }

  async startFromPicker(id: string, title: string): Promise<ClusterAccess> {
    await this.picker.getByRole('button', { name: `Start ${title}` }).click();
    return this.landed(id);
  }

  /** The link was replaced by the cluster's (a reload does not start another tour), the token
   *  left the address bar, and the page kept it for the tab. */
  private async landed(id: string): Promise<ClusterAccess> {
    await expect(this.page).toHaveURL(new RegExp(`[?&]cluster=${id.slice(0, 24)}-[a-z0-9]+$`));
    await expect(this.region).toBeVisible();
    const name = new URL(this.page.url()).searchParams.get('cluster')!;
    const token = await this.page.evaluate((cluster) => sessionStorage.getItem(`raftlab-token:${cluster}`), name);
    expect(token, 'the control token kept for this tab').toBeTruthy();
    return { name, token: token! };
  }

  /** Presses Next step for every step and returns each step's checks as shown (✓/✗ and detail).
   *  `scenarioAsks[i]`: step i asks a question first, which this skips. */
  async runToEnd(total: number, scenarioAsks?: readonly boolean[]): Promise<string[][]> {
    const shown: string[][] = [];
    for (let step = 1; step <= total; step++) {
      await expect(this.region).toContainText(`Step ${step} of ${total}`);
      // A step that asks a question first (predict, then see) waits for an answer or a skip.
      if (scenarioAsks?.[step - 1]) {
        await expect(this.question).toBeVisible();
        await this.question.getByRole('button', { name: 'Skip the question' }).click();
      }
      await expect(this.nextStep).toBeEnabled();
      await this.nextStep.click();
      // A step's checks appear once it has been judged; they do not change afterwards.
      const checks = this.region.getByRole('list', { name: `Checks of step ${step}` });
      await expect(checks).toBeVisible({ timeout: 45_000 });
      shown.push(await checks.getByRole('listitem').allTextContents());
      if (shown.at(-1)!.some((text) => !text.trim().startsWith('✓'))) break;
    }
    return shown;
  }

  async deleteCluster(cluster: ClusterAccess): Promise<void> {
    await this.page.request.delete(`/api/clusters/${cluster.name}`, { headers: { 'X-Vault-Token': cluster.token } });
  }
}
