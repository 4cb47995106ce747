// A node worker's API port, put together: the node's client (node-client.ts), the server
// (node-api-server.ts), the requests it handed to the main thread, and the client operations it
// reports — held back a frame and sent together, off the path of the answers themselves.
import { randomBytes } from 'node:crypto';
import type { NodeRuntime } from '../../../shared/node/node-runtime.ts';
import type { UnstampedEvent } from '../../../shared/protocol/events.ts';
import { attemptTimeoutMs } from '../attempt-timeout.ts';
import { ClockCell } from '../clock-cell.ts';
import { REPORT_HOLD_MS } from '../report-batcher.ts';
import type { FromWorker, WorkerInit } from '../worker-protocol.ts';
import { NodeApiServer } from './node-api-server.ts';
import { NodeClient } from './node-client.ts';
import type { NodeApiInit, NodeApiMessage, RelayedVaultAnswer } from './node-api-protocol.ts';

export interface WorkerApiParts {
  readonly runtime: () => NodeRuntime;
  readonly wake: () => void;
  /** The lab clock's speed as the worker last heard it. */
  readonly speed: () => number;
  readonly post: (message: FromWorker) => void;
}

/** Client events go to the main thread in batches of at most this many (or after REPORT_HOLD_MS). */
const MAX_EVENTS_PER_REPORT = 512;

export interface WorkerApi {
  afterFlush(): void;
  setPaused(paused: boolean): void;
  receive(message: NodeApiMessage): void;
}

export function startNodeApi(init: WorkerInit, api: NodeApiInit & { readonly clock: SharedArrayBuffer }, parts: WorkerApiParts): WorkerApi {
  const clock = new ClockCell(api.clock);
  let events: UnstampedEvent[] = [];
  let timer: NodeJS.Timeout | null = null;
  const sendEvents = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (events.length === 0) return;
    parts.post({ type: 'client-events', events });
    events = [];
  };
  const emit = (event: UnstampedEvent): void => {
    if (events.push(event) >= MAX_EVENTS_PER_REPORT) sendEvents();
    else timer ??= setTimeout(sendEvents, REPORT_HOLD_MS);
  };
  const client = new NodeClient(
    {
      self: init.id,
      runtime: parts.runtime,
      wake: parts.wake,
      attemptTimeoutMs: () => attemptTimeoutMs(init.timing.electionTicks, init.ticks.tickMs, parts.speed()),
      now: () => clock.now(),
      emit,
    },
    `${api.cluster}-${init.id}-port-${randomBytes(3).toString('hex')}`,
  );
  const relays = new Map<number, (answer: RelayedVaultAnswer) => void>();
  let nextRelay = 1;
  const server = new NodeApiServer({
    self: init.id,
    init: api,
    client,
    relay: (request) =>
      new Promise((resolve) => {
        const id = nextRelay++;
        relays.set(id, resolve);
        parts.post({ type: 'api-relay', id, request });
      }),
    report: parts.post,
  });
  server.listen();
  return {
    afterFlush: () => client.recheck(),
    setPaused: (paused) => server.setPaused(paused),
    receive(message) {
      if (message.type === 'api-peers') return client.setRunning(message.running);
      const resolve = relays.get(message.id);
      relays.delete(message.id);
      resolve?.(message.answer);
    },
  };
}
