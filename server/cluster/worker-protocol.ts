// Messages between the main thread and one node's worker. Both ends are our code, so these are
// typed rather than validated; everything from outside is validated before it gets this far. What
// the node itself hears and says is the node runtime's protocol, the same in the simulator.
import type { MessagePort } from 'node:worker_threads';
import type { MessageBase } from '../../shared/raft/types.ts';
import type { ClientRequest, NodeInit, NodeReport } from '../../shared/node/protocol.ts';
import type { DiskFault } from '../../shared/node/disk-fault.ts';
import type { NodeApiInit, NodeApiMessage, NodeApiReport } from './node-api/node-api-protocol.ts';

export type { AppliedValue, ClientOutcome, ClientRequest, FailureCode, NodeInit, RaftTiming, ReadQuery, ReadyReport } from '../../shared/node/protocol.ts';

/** A node's worker: the node (shared/node/protocol.ts), the directory of its disk, and its clock. */
export interface WorkerInit extends NodeInit {
  readonly dir: string;
  /** The lab clock's ticks (tick-cell.ts) and how fast they come now. */
  readonly ticks: WorkerTicks;
  /** The node's durability ledger (storage/durability-ledger.ts): what its disk has synced, kept by
   *  the main thread across the node's workers, and its power switch. The host adds it. */
  readonly durability: SharedArrayBuffer;
  /** The disk's fault as the node starts (shared/node/disk-fault.ts), kept by the host across workers. */
  readonly diskFault?: DiskFault;
  /** The node's own API port (node-api/), when the cluster's nodes serve one, and the lab clock it
   *  times its client operations on (clock-cell.ts). */
  readonly api?: NodeApiInit & { readonly clock: SharedArrayBuffer };
}

export interface WorkerTicks {
  /** The cluster's TickCell memory: the count of ticks so far and when the next is planned. */
  readonly cell: SharedArrayBuffer;
  /** The count when the worker was spawned: the node lives through the ticks of its own start-up,
   *  as a process's timers run while it loads. */
  readonly since: number;
  readonly tickMs: number;
  readonly speed: number;
  readonly paused: boolean;
}

export type ToWorker =
  /** The lab clock changed speed, paused or resumed: the worker re-plans its next wake-up. */
  | { readonly type: 'clock'; readonly speed: number; readonly paused: boolean }
  /** The node was paused or resumed (the lab's pause button): a paused node lives through no ticks. */
  | { readonly type: 'freeze'; readonly frozen: boolean }
  /** Every message due for this node in one scheduler run: one structured clone, one wake-up. */
  | { readonly type: 'deliver'; readonly messages: readonly MessageBase[] }
  /** Client requests for this node that arrived in one turn of the main thread's event loop. */
  | { readonly type: 'clients'; readonly requests: readonly ClientRequest[] }
  /** A direct lane to a peer's worker (lanes.ts), its port transferred with this message. */
  | { readonly type: 'lane-attach'; readonly peer: string; readonly port: MessagePort }
  | { readonly type: 'lane-detach'; readonly peer: string }
  /** Which lanes may carry messages now; the others' messages go through the bus. */
  | { readonly type: 'lanes'; readonly sendTo: readonly string[]; readonly receiveFrom: readonly string[] }
  /** The node's own API port: its peers, and the main thread's answers to requests it handed over. */
  | NodeApiMessage;

/** What a worker posts back: the runtime's reports (shared/node/protocol.ts), and its API port's. */
export type FromWorker = NodeReport | NodeApiReport;
