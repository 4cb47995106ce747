// What a fault does, as data: each fault the schedule fires is one of these, with its targets
// resolved (which node, which links), so a run's faults can be replayed without the random stream
// that chose them, and a failing seed's schedule shrunk by leaving some out (shrink-schedule.ts).
import type { NetworkModel } from '../net/index.ts';
import type { ConfChangeSingle } from '../raft/index.ts';
import type { CrashPoint, SeedCluster } from './seed-cluster.ts';
import { describeDiskFault, type DiskFault } from '../node/disk-fault.ts';

export type FaultAction =
  | { readonly type: 'crash'; readonly node: string }
  | { readonly type: 'plan-crash'; readonly node: string; readonly point: CrashPoint }
  /** The planned crash never came (no persist since): crash it now. */
  | { readonly type: 'crash-if-planned'; readonly node: string }
  | { readonly type: 'restart'; readonly node: string }
  | { readonly type: 'partition'; readonly groups: readonly (readonly string[])[] }
  | { readonly type: 'isolate'; readonly node: string }
  | { readonly type: 'heal-partition' }
  | { readonly type: 'cut'; readonly from: string; readonly to: string; readonly direction: 'one-way' | 'both' }
  | { readonly type: 'uncut'; readonly from: string; readonly to: string; readonly direction: 'one-way' | 'both' }
  | { readonly type: 'network'; readonly loss: number; readonly duplicate: number; readonly reorder: number }
  | { readonly type: 'transfer'; readonly from: string; readonly to: string }
  | { readonly type: 'membership'; readonly leader: string; readonly changes: readonly ConfChangeSingle[] }
  /** The node's disk fault (shared/node/disk-fault.ts); `none` heals it (frees space, a fast disk). */
  | { readonly type: 'disk-fault'; readonly node: string; readonly fault: Exclude<DiskFault, { kind: 'corrupt' }> }
  /** A bit flips in a synced record mid-log on the node's disk (`pick` in [0, 1) says which record). */
  | { readonly type: 'corrupt'; readonly node: string; readonly pick: number }
  /** A down node gets a new, empty disk: only once it is out of the leader's configuration. */
  | { readonly type: 'replace-disk'; readonly node: string };

/** One fired action: when, in which phase of the tick, and which fault it belongs to (a fault and its heal share one). */
export interface FaultStep {
  readonly tick: number;
  /** 'apply': right after `node` applied an entry in that tick (a leader crashed after an old term's commit). */
  readonly phase: 'tick' | 'apply';
  readonly fault: number;
  readonly action: FaultAction;
}

/** Carries an action out; false when it could not happen now (nothing was done). */
export function perform(action: FaultAction, cluster: SeedCluster, net: NetworkModel, counts: FaultCounts): boolean {
  switch (action.type) {
    case 'crash':
      if (!cluster.isUp(action.node)) return false;
      cluster.crash(action.node);
      return true;
    case 'plan-crash':
      if (!cluster.isUp(action.node)) return false;
      cluster.planCrash(action.node, action.point);
      return true;
    case 'crash-if-planned':
      if (!cluster.isUp(action.node) || !cluster.crashPlanned(action.node)) return false;
      cluster.planCrash(action.node, null);
      cluster.crash(action.node);
      return true;
    case 'restart':
      if (cluster.isUp(action.node)) return false;
      cluster.start(action.node);
      return true;
    case 'partition':
      net.partition(action.groups.map((group) => [...group]));
      counts.partitions++;
      return true;
    case 'isolate':
      net.isolate(action.node, [...cluster.ids]);
      counts.partitions++;
      return true;
    case 'heal-partition':
      net.healPartition();
      return true;
    case 'cut':
      net.cut(action.from, action.to, action.direction);
      counts.linkCuts++;
      return true;
    case 'uncut':
      net.uncut(action.from, action.to, action.direction);
      return true;
    case 'network':
      net.setDefaults({ loss: action.loss, duplicate: action.duplicate, reorder: action.reorder });
      return true;
    case 'transfer':
      return cluster.send(action.from, { kind: 'transfer', to: action.to });
    case 'membership':
      return cluster.send(action.leader, { kind: 'conf-change', change: { changes: [...action.changes] } });
    case 'disk-fault':
      if (action.fault.kind !== 'none' && !cluster.isUp(action.node)) return false;
      if (action.fault.kind === 'none' && cluster.diskFault(action.node).kind === 'none') return false;
      cluster.setDiskFault(action.node, action.fault);
      if (action.fault.kind === 'slow') counts.diskSlow++;
      if (action.fault.kind === 'failing') counts.diskFailing++;
      if (action.fault.kind === 'full') counts.diskFull++;
      return true;
    case 'corrupt':
      if (!cluster.corrupt(action.node, action.pick)) return false;
      counts.diskCorrupt++;
      return true;
    case 'replace-disk': {
      // A new disk forgets every vote and acknowledgement the old one kept: safe once the leader's
      // committed configuration no longer counts the node (its old promises then matter to no
      // quorum), never before. Checked here, so a shrunk schedule cannot wipe a member either.
      const config = cluster.leaderConfig();
      if (cluster.isUp(action.node) || config === null) return false;
      if ([...config.voters, ...config.learners, ...config.votersOutgoing].includes(action.node)) return false;
      cluster.replaceDisk(action.node);
      counts.disksReplaced++;
      return true;
    }
  }
}

/** What the schedule fired, by kind (node faults are counted by the nodes themselves). */
export interface FaultCounts {
  partitions: number;
  linkCuts: number;
  /** Disk faults set: slow, failing (armed: the node stops at its next sync), full. */
  diskSlow: number;
  diskFailing: number;
  diskFull: number;
  /** Bits flipped mid-log, and disks replaced once their node was out of the configuration. */
  diskCorrupt: number;
  disksReplaced: number;
}

/** The fault log's line for an action. */
export function describeAction(action: FaultAction): string {
  switch (action.type) {
    case 'crash':
      return `crash ${action.node}`;
    case 'plan-crash':
      return `${action.node} will crash at its next persist (${action.point})`;
    case 'crash-if-planned':
      return `crash ${action.node} (no persist came)`;
    case 'restart':
      return `restart ${action.node}`;
    case 'partition':
      return `partition ${action.groups.map((group) => group.join(',')).join(' | ')}`;
    case 'isolate':
      return `isolate leader ${action.node}`;
    case 'heal-partition':
      return 'heal partition';
    case 'cut':
      return `cut ${action.from}→${action.to} ${action.direction}`;
    case 'uncut':
      return `heal ${action.from}→${action.to} ${action.direction}`;
    case 'network':
      return `network loss=${action.loss.toFixed(2)} dup=${action.duplicate.toFixed(2)} reorder=${action.reorder.toFixed(2)}`;
    case 'transfer':
      return `transfer leadership ${action.from}→${action.to}`;
    case 'membership':
      return `${action.leader} proposes ${action.changes.map((c) => `${c.op} ${c.node}`).join(' + ')}`;
    case 'disk-fault':
      return `${action.node}'s disk: ${describeDiskFault(action.fault)}`;
    case 'corrupt':
      return `a bit flips in a synced record of ${action.node}'s log`;
    case 'replace-disk':
      return `${action.node} gets a new, empty disk`;
  }
}
