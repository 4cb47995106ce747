// Page object for the lab page: actions named by intent, found the way a person (or a screen
// reader) finds them — by role and accessible name; what the server really did is read through the
// cluster's REST client, not from the page.
import { expect, type Locator, type Page } from '@playwright/test';
import type { ClusterView, MessageView } from '../../shared/protocol/index.ts';
import type { ClusterClient, LabCommandInput } from '../lab/lab-client.ts';

/** The cluster a page controls: its name, its token and a client to the same server. */
export interface PageCluster {
  readonly name: string;
  readonly token: string;
  readonly client: ClusterClient;
}

export class LabPage {
  constructor(
    readonly page: Page,
    readonly cluster: PageCluster,
  ) {}

  /** Opens the cluster's control link (the token rides in the fragment, as the server prints it). */
  async open(): Promise<void> {
    await this.page.goto(`${this.cluster.client.lab.url}/?cluster=${this.cluster.name}#token=${encodeURIComponent(this.cluster.token)}`);
    await expect(this.status).not.toHaveText(/Connecting/);
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

  /** The ring's node as a button (its name starts with "n1: leader, term 3…"). */
  ringNode(id: string): Locator {
    return this.page.getByRole('group', { name: /^Cluster ring/ }).getByRole('button', { name: new RegExp(`^${id}: `) });
  }

  link(a: string, b: string): Locator {
    return this.page.getByRole('button', { name: new RegExp(`^Link ${a}–${b}: `) });
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

  /** Opens the node's menu from its card and picks an action ("Kill n1", "Pause n1", …). */
  async nodeAction(id: string, action: string): Promise<void> {
    await this.node(id).getByRole('button', { name: `Actions for ${id}` }).click();
    const item = this.node(id).getByRole('menuitem', { name: action });
    await expect(item).toHaveAttribute('aria-disabled', 'false');
    await item.click();
  }

  async kill(id: string): Promise<void> {
    await this.nodeAction(id, `Kill ${id}`);
    await expect(this.nodeState(id)).toHaveText('down');
  }

  async restart(id: string): Promise<void> {
    await this.nodeAction(id, `Restart ${id}`);
  }

  get client(): Locator {
    return this.page.getByRole('form', { name: 'Client operation' });
  }

  async clientOp(op: 'put' | 'cas' | 'delete' | 'get', key: string, extra: { value?: string; expected?: number; consistency?: string; node?: string } = {}): Promise<Locator> {
    const form = this.client;
    await form.getByLabel('Operation').selectOption(op);
    await form.getByLabel('Key').fill(key);
    if (extra.value !== undefined) await form.getByLabel('Value').fill(extra.value);
    if (extra.expected !== undefined) await form.getByLabel('Expected version').fill(String(extra.expected));
    if (extra.consistency) await form.getByLabel('Consistency').selectOption(extra.consistency);
    await form.getByLabel('Send to').selectOption(extra.node ?? '');
    await form.getByRole('button', { name: 'Send' }).click();
    const result = form.getByRole('status', { name: 'Client result' });
    await expect(result).toBeVisible();
    return result;
  }

  async write(key: string, value: string): Promise<void> {
    const result = await this.clientOp('put', key, { value });
    await expect(result).toContainText(`${key} committed at index`);
  }

  keysOn(id: string): Locator {
    return this.page.getByRole('table', { name: `Keys on ${id}` });
  }

  async nodeIds(): Promise<string[]> {
    const names = await this.page.getByRole('region', { name: /^Node n\d+$/ }).evaluateAll((sections) => sections.map((section) => section.getAttribute('aria-label') ?? ''));
    return names.map((name) => name.replace('Node ', ''));
  }

  get notices(): Locator {
    return this.page.getByRole('log', { name: 'Command results' });
  }

  async expectDone(action: string): Promise<void> {
    await expect(this.notices).toContainText(`${action}: done`);
  }

  /** Sends a command through the REST API (setup that is not what a test checks). */
  async command(command: LabCommandInput): Promise<Record<string, unknown>> {
    return this.cluster.client.command(command);
  }

  /** The server's own view of the cluster (GET /api/clusters/{c}): what a control really changed,
   *  as opposed to what the page's controls show. With the token, as the controlling page sees it
   *  (a watcher may be shown digests in place of values). */
  async serverView(): Promise<ClusterView> {
    return this.cluster.client.view();
  }

  /** The messages in flight on the server's bus. */
  async serverInFlight(): Promise<MessageView[]> {
    return (await this.serverView()).inFlight;
  }

  /** How many messages the server's bus has delivered to this cluster's nodes so far (/metrics). */
  async messagesDelivered(): Promise<number> {
    const text = await this.cluster.client.lab.metrics();
    const line = text.split('\n').find((row) => row.startsWith('raftlab_cluster_messages_total{') && row.includes(`cluster="${this.cluster.name}"`) && row.includes('outcome="delivered"'));
    if (!line) throw new Error(`no delivered-message counter for ${this.cluster.name} in /metrics`);
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
}
