// The deterministic simulator: N real RawNodes on virtual time, the shared network model, in-memory
// disks, client load and a fault schedule, all derived from one seed. A safety phase under faults
// is followed by a liveness phase that heals everything and demands progress within a bound.
import { checkLinearizability, InvariantMonitor, type LinearizabilityResult, type Violation } from '../check/index.ts';
import { createPrng, deriveSeed, NetworkModel } from '../net/index.ts';
import { mulberry32, seedFor, type Message, type RaftConfig } from '../raft/index.ts';
import { ClientLoad } from './clients.ts';
import { CALM_LINK, FaultSchedule } from './faults.ts';
import { SimNode, type HostListener } from './host.ts';
import { DeliveryQueue } from './queue.ts';
import { DEFAULT_OPTIONS, faultProfile, LIVENESS_TICKS, mixOf, TICK_MS, type SimOptions } from './options.ts';

export interface SimFailure {
  readonly kind: 'invariant' | 'linearizability' | 'liveness';
  readonly invariant: string;
  readonly explanation: string;
  readonly details?: unknown;
}

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly failures: readonly SimFailure[];
  readonly replay: string;
  readonly stats: {
    readonly ticks: number;
    readonly messages: number;
    readonly operations: number;
    readonly completedOperations: number;
    readonly committedIndex: number;
    readonly livenessTicks: number;
    readonly elections: number;
    readonly crashes: number;
    readonly restarts: number;
    readonly snapshotsInstalled: number;
    readonly compactions: number;
    /** Membership changes that took effect: config entries applied (each counted once). */
    readonly membershipChanges: number;
    /** Partitions started (a split or an isolated leader) and single links cut. */
    readonly partitions: number;
    readonly linkCuts: number;
  };
  /** The fault schedule as it happened. */
  readonly faultLog: readonly string[];
}

const KEYS = ['k1', 'k2', 'k3'];

export function replayCommand(options: SimOptions): string {
  const bugs = options.bugs.map((b) => ` --bug ${b}`).join('');
  const faults = options.faults ? '' : ' --no-faults';
  const reads = options.reads === 'local' ? ' --stale-reads' : '';
  // A mix is only spelled out when it is not the bugs' own.
  const mix = options.mix !== undefined && options.mix.join() !== options.bugs.join() ? (options.mix.length === 0 ? ' --mix standard' : options.mix.map((b) => ` --mix ${b}`).join('')) : '';
  return `npm run sim -- --seed ${options.seed} --nodes ${options.nodes} --ticks ${options.ticks}${bugs}${mix}${faults}${reads}`;
}

export function runSimulation(partial: Partial<SimOptions> = {}): SimResult {
  const options: SimOptions = { ...DEFAULT_OPTIONS, ...partial };
  const { seed } = options;
  const ids = Array.from({ length: options.nodes }, (_, i) => `n${i + 1}`);
  const monitor = new InvariantMonitor();
  const net = new NetworkModel(createPrng(deriveSeed(seed, 'net')));
  net.setDefaults(CALM_LINK);
  const queue = new DeliveryQueue<Message>();
  let tick = 0;
  let messages = 0;
  const nowMs = () => tick * TICK_MS;

  const profile = faultProfile(options);
  const bugs = Object.fromEntries(options.bugs.map((b) => [b, true]));
  // Message sizes and pipelining vary by seed: one-entry Appends make acks cover a single entry,
  // which is what the Figure 8 commit rule is about.
  const shape = createPrng(deriveSeed(seed, 'shape'));
  // (Part of the commitByCounting mix, so the correct core can be run under it too.)
  const maxEntriesPerMessage = mixOf(options).includes('commitByCounting') ? 1 : [1, 2, 8, 64][Math.floor(shape() * 4)]!;
  const maxInflight = [1, 4, 64][Math.floor(shape() * 3)]!;
  // Without bugs, a fifth of the seeds each run without pre-vote or check-quorum: both are
  // optional protections, and the core must stay safe either way.
  const preVote = profile.preVote && shape() >= 0.2;
  const checkQuorum = profile.checkQuorum && shape() >= 0.2;
  const configFor = (id: string): (() => RaftConfig) => {
    let boot = 0;
    return () => ({
      id,
      initialConfig: { voters: ids, learners: [], votersOutgoing: [] },
      electionTicks: 10,
      heartbeatTicks: 3,
      // A fresh stream per boot, still determined by the seed.
      random: mulberry32(seedFor(deriveSeed(seed, `boot-${boot++}`), id)),
      maxEntriesPerMessage,
      maxInflight,
      snapshotThreshold: 40,
      snapshotTrailing: 3,
      bugs,
      preVote,
      checkQuorum,
    });
  };

  let clients: ClientLoad | null = null;
  let faults: FaultSchedule | null = null;
  // Index 1 is the bootstrap configuration, not a change.
  const configChanges = new Set<number>();
  const listener: HostListener = {
    send(outgoing) {
      for (const m of outgoing) {
        messages++;
        for (const at of net.route(m.from, m.to, nowMs()).deliveries) queue.push(at, m);
      }
    },
    applied: (node, entry, result) => {
      if (entry.type === 'config' && entry.index > 1) configChanges.add(entry.index);
      clients?.applied(node, entry.data, result);
      faults?.afterApply(node, entry.term, tick);
    },
    readReady: (node, context) => clients?.readReady(node, context),
    readFailed: (node, context) => clients?.readFailed(node, context),
    crashed: (node) => clients?.crashed(node),
  };
  const nodes = ids.map((id) => new SimNode(id, configFor(id), monitor, listener));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  clients = new ClientLoad(createPrng(deriveSeed(seed, 'clients')), Math.min(4, 2 + options.nodes), KEYS, { nodes, nowMs }, options.reads);
  faults = new FaultSchedule(createPrng(deriveSeed(seed, 'faults')), profile, nodes, net);
  for (const node of nodes) node.start();

  const step = (clientRate: number, withFaults: boolean) => {
    const now = nowMs();
    // Everything due this tick is stepped first and each node then handles ONE Ready for the lot,
    // as a real host batches one fsync per Ready.
    for (let d = queue.popDue(now); d !== undefined; d = queue.popDue(now)) byId.get(d.item.to)?.raw?.step(d.item);
    if (withFaults) faults.tick(tick);
    clients!.tick(tick, clientRate);
    for (const node of nodes) {
      node.raw?.tick();
      node.drain();
    }
    tick++;
  };

  // Safety phase: faults on. Stop early once a violation shows (the report is what matters).
  while (tick < options.ticks && monitor.violations.length === 0) step(profile.clientRate, true);

  // Liveness phase: heal, then a leader must emerge, every node converge, and a new write commit.
  const failures: SimFailure[] = [];
  const livenessStart = tick;
  let converged = monitor.violations.length > 0; // no liveness verdict after a safety failure
  if (!converged) {
    faults.healAll(tick);
    let probe: number | null = null;
    while (tick < livenessStart + LIVENESS_TICKS && monitor.violations.length === 0) {
      step(0.05, false);
      if (probe === null) probe = clients.startWrite(0, 'liveness-probe', tick);
      if (probe !== null && clients.isDone(probe) && allConverged(nodes)) {
        converged = true;
        break;
      }
    }
    if (!converged && monitor.violations.length === 0) {
      failures.push({
        kind: 'liveness',
        invariant: 'liveness',
        explanation: `After every fault was healed, the cluster did not elect a leader, converge and commit a new write within ${LIVENESS_TICKS} ticks.`,
        details: nodes.map((n) => {
          const s = n.raw?.status();
          return { node: n.id, role: s?.role, term: s?.term, commit: s?.commit, applied: n.kv.appliedIndex };
        }),
      });
    }
  }
  for (const v of monitor.violations) failures.push(fromViolation(v));
  let linearizability: LinearizabilityResult = { ok: true };
  if (monitor.violations.length === 0) {
    linearizability = checkLinearizability(clients.ops);
    if (!linearizability.ok) {
      failures.push({ kind: 'linearizability', invariant: 'linearizability', explanation: linearizability.explanation, details: { key: linearizability.key, ops: linearizability.minimalBadHistory } });
    }
  }
  const ok = failures.length === 0;
  return {
    seed,
    ok,
    failures,
    replay: replayCommand(options),
    stats: {
      ticks: tick,
      messages,
      operations: clients.ops.length,
      completedOperations: clients.ops.filter((o) => o.output !== undefined).length,
      committedIndex: monitor.committedIndex,
      livenessTicks: tick - livenessStart,
      ...sumCounts(nodes),
      membershipChanges: configChanges.size,
      ...faults.counts,
    },
    faultLog: faults.log,
  };
}

/**
 * The members of the leader's configuration are all up, agree on one leader, sit at the same
 * commit and applied index, and hold identical KV state. (Nodes removed by a membership change
 * keep running but are not expected to follow.)
 */
function allConverged(nodes: readonly SimNode[]): boolean {
  const leaders = nodes.filter((n) => n.raw?.status().role === 'leader');
  if (leaders.length === 0) return false;
  const config = leaders[0]!.raw!.status().config;
  const memberIds = new Set([...config.voters, ...config.learners, ...config.votersOutgoing]);
  const members = nodes.filter((n) => memberIds.has(n.id));
  if (leaders.filter((l) => memberIds.has(l.id)).length !== 1) return false;
  let commit = -1;
  for (const node of members) {
    if (node.raw === null) return false;
    const status = node.raw.status();
    if (commit === -1) commit = status.commit;
    if (status.commit !== commit || node.kv.appliedIndex !== commit) return false;
  }
  const image = members[0]!.kv.snapshot();
  return members.every((n) => n.kv.snapshot() === image);
}

function sumCounts(nodes: readonly SimNode[]): SimNode['counts'] {
  const total = { elections: 0, snapshotsInstalled: 0, compactions: 0, crashes: 0, restarts: 0 };
  for (const node of nodes) for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += node.counts[key];
  return total;
}

function fromViolation(v: Violation): SimFailure {
  return { kind: 'invariant', invariant: v.invariant, explanation: v.explanation, details: v.details };
}
