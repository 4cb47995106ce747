// The deterministic simulator: N nodes of the lab's own runtime on virtual time, the shared network
// model, memory disks, client load and a fault schedule, all derived from one seed. A safety phase under faults
// is followed by a liveness phase that heals everything and demands progress within a bound.
import { checkLinearizability, InvariantMonitor, type LinearizabilityResult, type Violation } from '../check/index.ts';
import { createPrng, deriveSeed, NetworkModel } from '../net/index.ts';
import { seedFor } from '../raft/index.ts';
import type { ClientOutcome, NodeInit, NodeRequest } from '../node/protocol.ts';
import type { ClusterEvent, UnstampedEvent } from '../protocol/events.ts';
import { ClientLoad } from './client-load.ts';
import { CALM_LINK, FaultSchedule, ScriptedFaults, type Faults } from './faults.ts';
import type { FaultStep } from './fault-actions.ts';
import { SeedCluster } from './seed-cluster.ts';
import { DEFAULT_OPTIONS, faultProfile, LIVENESS_TICKS, mixOf, TICK_MS, type SimOptions } from './options.ts';

/** The seed cluster's election timeout (100 virtual ms at 10 ms a tick). */
const ELECTION_TICKS = 10;

export interface SimFailure {
  /** 'undetermined': the linearizability search gave up (its budget); the seed is not a pass. */
  readonly kind: 'invariant' | 'linearizability' | 'liveness' | 'undetermined';
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
    /** Interesting states reached: a former leader truncating its log, a joint configuration on a
     *  leader, a read served by lease. */
    readonly leaderTruncations: number;
    readonly jointConfigs: number;
    readonly leaseReads: number;
    /** Disk faults (a --disk-faults run): slow, failing and full disks set, and nodes that
     *  stopped on their disk's EIO. */
    readonly diskSlow: number;
    readonly diskFailing: number;
    readonly diskFull: number;
    readonly diskFailStops: number;
    readonly diskFullRefusals: number;
    /** Bits flipped mid-log, restarts refused for it, disks replaced (after the node's removal). */
    readonly diskCorrupt: number;
    readonly corruptRefusals: number;
    readonly disksReplaced: number;
  };
  /** The fault schedule as it happened. */
  readonly faultLog: readonly string[];
  /** The same, as data: replayable with RunControl.script. */
  readonly script: readonly FaultStep[];
  /** The lab's events of the run, when it was recorded (runSimulation's `record`). */
  readonly events?: readonly ClusterEvent[];
}

export interface RunControl {
  /** Record the run as the lab's events (for a recording the page opens). */
  readonly record?: boolean;
  /** Play these faults instead of the seed's random schedule (a shrunk schedule). */
  readonly script?: readonly FaultStep[];
}

const KEYS = ['k1', 'k2', 'k3'];

export function replayCommand(options: SimOptions): string {
  const bugs = options.bugs.map((b) => ` --bug ${b}`).join('');
  const faults = options.faults ? '' : ' --no-faults';
  const reads = options.reads === 'local' ? ' --stale-reads' : '';
  const disk = options.diskFaults ? ' --disk-faults' : '';
  // A mix is only spelled out when it is not the bugs' own.
  const mix = options.mix !== undefined && options.mix.join() !== options.bugs.join() ? (options.mix.length === 0 ? ' --mix standard' : options.mix.map((b) => ` --mix ${b}`).join('')) : '';
  return `npm run sim -- --seed ${options.seed} --nodes ${options.nodes} --ticks ${options.ticks}${bugs}${mix}${faults}${reads}${disk}`;
}

/** The cluster name a recording of the run carries: "sim-s17-forgetVoteOnRestart". */
export function recordingName(options: Pick<SimOptions, 'seed' | 'bugs'>): string {
  return [`sim-s${options.seed}`, ...options.bugs].join('-').slice(0, 64);
}

export function runSimulation(partial: Partial<SimOptions> = {}, control: RunControl = {}): SimResult {
  const options: SimOptions = { ...DEFAULT_OPTIONS, ...partial };
  const { seed } = options;
  const ids = Array.from({ length: options.nodes }, (_, i) => `n${i + 1}`);
  const monitor = new InvariantMonitor();
  const net = new NetworkModel(createPrng(deriveSeed(seed, 'net')));
  net.setDefaults(CALM_LINK);
  let tick = 0;
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
  const boots = new Map<string, number>();
  const initFor = (id: string): NodeInit => {
    const boot = boots.get(id) ?? 0;
    boots.set(id, boot + 1);
    return {
      id,
      initialConfig: { voters: ids, learners: [], votersOutgoing: [] },
      timing: { electionTicks: ELECTION_TICKS, heartbeatTicks: 3 },
      // A fresh stream per boot, still determined by the seed.
      seed: seedFor(deriveSeed(seed, `boot-${boot}`), id),
      maxEntriesPerMessage,
      maxInflight,
      snapshotThreshold: 40,
      snapshotTrailing: 3,
      switches: { bugs, preVote, checkQuorum },
    };
  };

  let clients: ClientLoad | null = null;
  let faults: Faults | null = null;
  const cluster = new SeedCluster(ids, monitor, net, nowMs, {
    initFor,
    applied: (node, term) => faults?.afterApply(node, term, tick),
    crashed: (node) => clients?.crashed(node),
  }, control.record ? { name: recordingName(options), tickMs: TICK_MS } : null);
  const load = {
    ids,
    isUp: (id: string) => cluster.isUp(id),
    leader: () => cluster.leader(),
    send: (id: string, request: NodeRequest, answer: (outcome: ClientOutcome) => void) => cluster.send(id, request, answer),
    nowMs,
    ...(cluster.events ? { emit: (event: UnstampedEvent) => void cluster.events!.emit(event) } : {}),
  };
  // The lab's rule for one attempt: four election timeouts.
  clients = new ClientLoad(createPrng(deriveSeed(seed, 'clients')), Math.min(4, 2 + options.nodes), KEYS, load, 4 * ELECTION_TICKS * TICK_MS, options.reads);
  faults = control.script ? new ScriptedFaults(control.script, cluster, net) : new FaultSchedule(createPrng(deriveSeed(seed, 'faults')), profile, cluster, net);
  for (const id of ids) cluster.start(id);

  const step = (clientRate: number, withFaults: boolean) => {
    // Everything due this tick is stepped first and each node then flushes ONE Ready for the lot,
    // as a real host batches one fsync per turn.
    cluster.deliverDue();
    if (withFaults) {
      faults.tick(tick);
      cluster.noteNetwork();
    } else {
      faults.repairTick(tick); // the operator's repair of a lost disk goes on after the faults end
    }
    clients!.tick(clientRate);
    cluster.tickAll();
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
    cluster.noteNetwork();
    while (tick < livenessStart + LIVENESS_TICKS && monitor.violations.length === 0) {
      step(0.05, false);
      // A probe that ended without an answer (no leader yet, or it timed out) is sent again.
      const probe = clients.probeState();
      if (probe === 'none' || probe === 'failed') clients.startProbe(tick);
      if (probe === 'answered' && allConverged(cluster)) {
        converged = true;
        break;
      }
    }
    if (!converged && monitor.violations.length === 0) {
      failures.push({
        kind: 'liveness',
        invariant: 'liveness',
        explanation: `After every fault was healed, the cluster did not elect a leader, converge and commit a new write within ${LIVENESS_TICKS} ticks.`,
        details: ids.map((id) => {
          const s = cluster.status(id);
          return { node: id, role: s?.role, term: s?.term, commit: s?.commit, applied: s?.applied };
        }),
      });
    }
  }
  for (const v of monitor.violations) failures.push(fromViolation(v));
  let linearizability: LinearizabilityResult = { verdict: 'linearizable', ok: true, statesExplored: 0 };
  if (monitor.violations.length === 0) {
    linearizability = checkLinearizability(clients.ops);
    if (linearizability.verdict === 'undetermined') {
      failures.push({ kind: 'undetermined', invariant: 'linearizability', explanation: `Linearizability undetermined: ${linearizability.reason}.`, details: { keys: linearizability.undeterminedKeys } });
    } else if (linearizability.verdict === 'violation') {
      cluster.events?.emit({ type: 'violation', invariant: 'linearizability', explanation: linearizability.explanation });
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
      messages: cluster.messages,
      operations: clients.ops.length,
      completedOperations: clients.ops.filter((o) => o.output !== undefined).length,
      committedIndex: monitor.committedIndex,
      livenessTicks: tick - livenessStart,
      ...cluster.counts,
      leaseReads: clients.leaseReads,
      membershipChanges: cluster.configChanges.size,
      ...faults.counts,
    },
    faultLog: faults.log,
    script: faults.script,
    ...(cluster.events ? { events: cluster.events.history } : {}),
  };
}

/**
 * The members of the leader's configuration are all up, agree on one leader, sit at the same
 * commit and applied index, and hold identical KV state. (Nodes removed by a membership change
 * keep running but are not expected to follow.)
 */
function allConverged(cluster: SeedCluster): boolean {
  const leaders = cluster.ids.filter((id) => cluster.status(id)?.role === 'leader');
  if (leaders.length === 0) return false;
  // The leader of the highest term: a removed node may still think it leads an older term (with
  // pre-vote and check-quorum off nobody tells it otherwise), and its configuration is stale.
  const leader = leaders.reduce((best, id) => (cluster.status(id)!.term > cluster.status(best)!.term ? id : best));
  const config = cluster.status(leader)!.config;
  const memberIds = new Set([...config.voters, ...config.learners, ...config.votersOutgoing]);
  const members = cluster.ids.filter((id) => memberIds.has(id));
  if (leaders.filter((l) => memberIds.has(l)).length !== 1) return false;
  let commit = -1;
  for (const id of members) {
    const status = cluster.status(id);
    if (status === null) return false;
    if (commit === -1) commit = status.commit;
    if (status.commit !== commit || status.applied !== commit) return false;
  }
  const image = cluster.storeText(members[0]!);
  return members.every((id) => cluster.storeText(id) === image);
}

function fromViolation(v: Violation): SimFailure {
  return { kind: 'invariant', invariant: v.invariant, explanation: v.explanation, details: v.details };
}
