// What the cluster needs of a node's host, whatever runs the node: a worker with our core
// (node-host.ts) or a foreign program speaking Maelstrom's protocol (server/foreign). The cluster
// makes one per node by its implementation and talks to all of them through this.
import type { LaneEnd } from './lanes.ts';
import type { ClientRequest, ToWorker, WorkerInit } from './worker-protocol.ts';
import type { PowerCutOutcome } from './node-host.ts';

export interface NodeHostPort extends LaneEnd {
  readonly running: boolean;
  readonly paused: boolean;
  start(init: Omit<WorkerInit, 'durability'>): void;
  /** Deliveries (and the rest of the worker protocol a host understands); false when down. */
  post(message: ToWorker): boolean;
  request(request: ClientRequest): boolean;
  clock(speed: number, paused: boolean): void;
  pause(): void;
  resume(): void;
  kill(): Promise<void>;
  powerCut(): Promise<PowerCutOutcome>;
  powerCutAtNextSync(): void;
}
