// The chaos autopilot: every so often (in virtual time, so pausing the clock pauses it) it breaks
// something — kills or restarts a node, pauses one, partitions the cluster, makes the network lossy
// or duplicating — and mends it later, while a steady client load writes and reads a few keys.
// It never takes down a majority for long: the point is to watch Raft stay safe and recover, and
// the invariant monitor and incident metrics to stay meaningful.
import type { Command, CommandResult } from '../../shared/protocol/commands.ts';
import type { ClusterView } from '../../shared/protocol/views.ts';

export interface ChaosHost {
  execute(command: Command): Promise<CommandResult>;
  view(): ClusterView;
  /** Virtual ms per real ms, and whether time stands still. */
  clock(): { speed: number; paused: boolean };
  report(running: boolean, action: string | null): void;
  random(): number;
}

/** Virtual milliseconds between two faults (drawn uniformly), and between two client operations. */
const FAULT_EVERY_MS: readonly [number, number] = [400, 1200];
const CLIENT_EVERY_MS = 60;
const KEYS = ['chaos/a', 'chaos/b', 'chaos/c', 'chaos/d'];

export class ChaosAutopilot {
  private running = false;
  private load = true;
  private faultTimer: NodeJS.Timeout | null = null;
  private clientTimer: NodeJS.Timeout | null = null;
  private counter = 0;
  private readonly clientsInFlight = new Set<Promise<void>>();
  /** The fault being carried out (a kill waits for its worker to exit): stop() lets it land first. */
  private faultUnderWay: Promise<void> | null = null;
  constructor(private readonly host: ChaosHost) {}

  get active(): boolean {
    return this.running;
  }

  start(load: boolean): void {
    this.load = load;
    if (this.running) return;
    this.running = true;
    this.host.report(true, null);
    this.scheduleFault();
    if (this.load) this.scheduleClient();
  }

  /** Stops breaking things, without mending (the cluster itself is stopping). */
  halt(): void {
    this.running = false;
    for (const timer of [this.faultTimer, this.clientTimer]) if (timer) clearTimeout(timer);
    this.faultTimer = this.clientTimer = null;
  }

  /** Stops, lets the client operations under way finish, and leaves the cluster whole. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.halt();
    await this.faultUnderWay;
    await Promise.all(this.clientsInFlight);
    // Leave the cluster whole: everything restarted, resumed and connected.
    await this.host.execute({ type: 'heal-network' });
    await this.host.execute({ type: 'network', settings: { loss: 0, duplicate: 0, reorder: 0 } });
    for (const node of this.host.view().nodes) {
      if (node.life === 'paused') await this.host.execute({ type: 'resume-node', node: node.id });
      if (node.life === 'dead') await this.host.execute({ type: 'restart', node: node.id });
    }
    this.host.report(false, null);
  }

  /** Waits `virtualMs` of lab time (re-checking while the clock is paused). */
  private after(virtualMs: number, run: () => void): NodeJS.Timeout {
    const { speed, paused } = this.host.clock();
    const timer = setTimeout(() => {
      if (!this.running) return;
      if (this.host.clock().paused) this.after(virtualMs, run);
      else run();
    }, paused ? 200 : Math.min(60_000, virtualMs / speed));
    timer.unref();
    return timer;
  }

  private scheduleFault(): void {
    const [low, high] = FAULT_EVERY_MS;
    this.faultTimer = this.after(low + this.host.random() * (high - low), () => {
      this.faultUnderWay = this.fault().finally(() => {
        this.faultUnderWay = null;
        if (this.running) this.scheduleFault();
      });
    });
  }

  private scheduleClient(): void {
    this.clientTimer = this.after(CLIENT_EVERY_MS, () => {
      // A few operations at a time at most: the load must not drown what it is there to show.
      if (this.clientsInFlight.size < 3) {
        const operation: Promise<void> = this.clientOperation().finally(() => this.clientsInFlight.delete(operation));
        this.clientsInFlight.add(operation);
      }
      if (this.running && this.load) this.scheduleClient();
    });
  }

  private async clientOperation(): Promise<void> {
    const key = this.pick(KEYS);
    const roll = this.host.random();
    // Reads use ReadIndex, never the leader lease: a lease trusts every node's clock to run at one
    // rate, and chaos pauses nodes, so a paused old leader could answer a stale value and the page's
    // linearizability verdict would rightly turn red for a reason chaos itself made (README, Limits).
    if (roll < 0.5) await this.host.execute({ type: 'put', key, value: `v${++this.counter}` });
    else await this.host.execute({ type: 'get', key, consistency: 'linearizable' });
  }

  /**
   * One fault or one repair, chosen so that never more than a minority of nodes is out at once:
   * dead, failed, paused or cut off by a partition, counted together. A new fault is chosen only
   * while there is room for one more node out; each takes out at most one.
   */
  private async fault(): Promise<void> {
    const view = this.host.view();
    const nodes = view.nodes;
    const down = nodes.filter((n) => n.life === 'dead' || n.life === 'failed');
    const paused = nodes.filter((n) => n.life === 'paused');
    const alive = nodes.filter((n) => n.life === 'alive');
    const minority = Math.floor((nodes.length - 1) / 2);
    const partition = view.network?.partition ?? null;
    const out = new Set([...down, ...paused].map((n) => n.id));
    for (const id of cutOffBy(partition, nodes.map((n) => n.id))) out.add(id);
    const room = minority - out.size;
    const lossy = (view.network?.defaults.loss ?? 0) > 0 || (view.network?.defaults.duplicate ?? 0) > 0;

    const options: { weight: number; run: () => Promise<string> }[] = [];
    const leader = alive.find((n) => n.role === 'leader');
    if (room > 0 && alive.length > 0) {
      options.push({ weight: 3, run: () => this.act({ type: 'kill', node: (leader && this.host.random() < 0.5 ? leader : this.pick(alive)).id }, 'killed') });
      options.push({ weight: 1, run: () => this.act({ type: 'pause-node', node: this.pick(alive).id }, 'paused') });
    }
    if (down.length > 0) options.push({ weight: 3, run: () => this.act({ type: 'restart', node: this.pick(down).id }, 'restarted') });
    if (paused.length > 0) options.push({ weight: 2, run: () => this.act({ type: 'resume-node', node: this.pick(paused).id }, 'resumed') });
    if (partition === null && room > 0 && nodes.length >= 3 && alive.length > 0) {
      // One node apart: the leader (its term's writes are then stranded), or any live node.
      const apart = (leader ?? this.pick(alive)).id;
      options.push({ weight: 2, run: () => this.act({ type: 'split', minority: [apart] }, 'partitioned off the leader side') });
      options.push({ weight: 1, run: () => this.act({ type: 'isolate', node: this.pick(alive).id }, 'isolated') });
    }
    if (partition !== null) options.push({ weight: 3, run: () => this.act({ type: 'heal-network' }, 'healed the network') });
    if (!lossy) options.push({ weight: 1, run: () => this.act({ type: 'network', settings: { loss: 0.1, duplicate: 0.05, reorder: 0.1 } }, 'made every link lossy (10% loss, 5% duplicates, reordering)') });
    else options.push({ weight: 2, run: () => this.act({ type: 'network', settings: { loss: 0, duplicate: 0, reorder: 0 } }, 'made the links reliable again') });
    if (options.length === 0) return;
    const total = options.reduce((sum, option) => sum + option.weight, 0);
    let roll = this.host.random() * total;
    const chosen = options.find((option) => (roll -= option.weight) < 0) ?? options[0]!;
    const action = await chosen.run();
    this.host.report(true, action);
  }

  private async act(command: Command, verb: string): Promise<string> {
    const result = await this.host.execute(command);
    const target = 'node' in command ? ` ${command.node}` : '';
    return result.ok ? `${verb}${target}` : `tried to ${command.type}${target}: ${result.error}`;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.host.random() * items.length)]!;
  }
}

/** The nodes a partition separates from its largest group (all of them if no group is largest). */
export function cutOffBy(partition: readonly (readonly string[])[] | null, nodes: readonly string[]): string[] {
  if (partition === null) return [];
  const sizes = partition.map((group) => group.length);
  const largest = Math.max(0, ...sizes);
  const majority = sizes.filter((size) => size === largest).length === 1 ? partition[sizes.indexOf(largest)]! : [];
  return nodes.filter((id) => !majority.includes(id));
}
