// The lab's client of a foreign cluster: it speaks Maelstrom's lin-kv (read, write, cas by value)
// to the nodes as client `c1`, and records every operation in the client history the
// linearizability checker reads, as the lab's own gateway does for our nodes. A write goes to the
// node the cluster believes leads (from state reports), else to the nodes in turn; a definite
// error (temporarily unavailable, not the leader) tries the next node; an indefinite one, or no
// answer in time, ends the operation as "unknown" (never retried: a second copy could apply later).
import { CommandError } from '../../shared/protocol/commands.ts';
import type { Consistency, UnstampedEvent } from '../../shared/protocol/events.ts';
import type { ListResult, MetadataResult, ReadResult, WriteResult } from '../../shared/protocol/command-results.ts';
import type { CommandGateway, GatewayWrite } from '../../shared/host/shared-commands.ts';
import { recordClientOp, describeClientOp, type ClientOpBase } from '../../shared/host/client-op-record.ts';
import { ERROR_CODES, errorName, isDefinite, linKvReplySchema, type Envelope, type LinKvReply, type MaelstromBody } from './maelstrom-protocol.ts';

export const LAB_CLIENT = 'c1';
/** Real ms between two rounds over the nodes when all of them said "not now". */
const ROUND_PAUSE_MS = 100;

export interface LinKvHost {
  /** The cluster's nodes, and the one it believes leads. */
  nodes(): readonly string[];
  leader(): string | null;
  isRunning(node: string): boolean;
  /** Writes a client message to a node (held at its door while it is paused); false when it is down. */
  send(node: string, message: Envelope): boolean;
  /** Real ms one attempt waits for an answer; the whole operation waits at most a few of these. */
  attemptTimeoutMs(): number;
  emit(event: UnstampedEvent): void;
  now(): number;
}

type Answer = { readonly reply: LinKvReply; readonly node: string } | { readonly reply: null; readonly node: string };

export class LinKvClient implements CommandGateway {
  /** The lab's gateway port asks: a cas here compares values (`from`). */
  readonly casByValue = true;
  private nextMsgId = 1;
  private nextOpId = 1;
  private readonly open = new Map<number, (reply: LinKvReply) => void>();

  constructor(private readonly host: LinKvHost) {}

  /** A node addressed our client: a reply to one of our requests, validated; anything else is refused. */
  receive(_from: string, message: Envelope): string | null {
    if (message.dest !== LAB_CLIENT) return `sent a ${message.body.type} to ${message.dest}, a client that does not exist (the lab's is ${LAB_CLIENT})`;
    const parsed = linKvReplySchema.safeParse(message.body);
    if (!parsed.success) return `answered the lab's client with a malformed ${message.body.type}: ${JSON.stringify(message.body).slice(0, 200)}`;
    const waiting = this.open.get(parsed.data.in_reply_to);
    if (!waiting) return null; // a late or duplicated answer to something already over (from any node: a relay's leader answers itself)
    waiting(parsed.data);
    return null;
  }

  write(request: GatewayWrite): Promise<WriteResult> {
    if (request.op === 'delete') return Promise.reject(new CommandError('bad-request', "lin-kv has no delete: a foreign cluster's store takes read, write and cas"));
    if (request.cas !== undefined) return Promise.reject(new CommandError('bad-request', 'cas by version is our store\'s; a lin-kv node compares values: give {"value": V, "from": F}'));
    // A Vault data object travels as itself (a lin-kv value is any JSON); the history and the page
    // keep its JSON text, which is what a read of it shows.
    const sent: unknown = request.data ?? request.value ?? '';
    const value = typeof sent === 'string' ? sent : JSON.stringify(sent);
    const isCas = request.from !== undefined;
    const base: ClientOpBase = { op: isCas ? 'cas' : 'put', key: request.key, value, cas: null, consistency: null, node: request.node ?? null, linKv: true, from: request.from ?? null };
    const body = isCas ? { type: 'cas', key: request.key, from: request.from, to: sent } : { type: 'write', key: request.key, value: sent };
    return this.recorded(base, async () => {
      const { node } = await this.untilAnswered(body, request.node, isCas);
      return { key: request.key, node, detail: `${describeClientOp(base)}: ${isCas ? 'cas_ok' : 'write_ok'} from ${node}` };
    });
  }

  read(key: string, _consistency: Consistency, node?: string, version?: number): Promise<ReadResult> {
    if (version !== undefined) return Promise.reject(new CommandError('bad-request', 'a lin-kv store keeps one value per key: there are no versions to read'));
    const base: ClientOpBase = { op: 'get', key, value: null, cas: null, consistency: null, node: node ?? null, linKv: true };
    return this.recorded(base, async () => {
      const answer = await this.untilAnswered({ type: 'read', key }, node, false);
      const value = answer.reply?.type === 'read_ok' ? answer.reply.value : null;
      const shown = value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);
      // An object is a Vault data object to the KV routes (what they wrote through write above).
      const data = value !== null && typeof value === 'object' && !Array.isArray(value) ? { data: value as Record<string, unknown> } : {};
      return { key, value: shown, ...data, node: answer.node, detail: `${describeClientOp(base)} → ${shown === null ? 'absent' : 'read_ok'} from ${answer.node}` };
    });
  }

  readMetadata(): Promise<MetadataResult> {
    return Promise.reject(new CommandError('bad-request', 'a lin-kv store keeps no metadata: read, write and cas are all it has'));
  }

  list(): Promise<ListResult> {
    return Promise.reject(new CommandError('bad-request', 'a lin-kv store keeps no folders: it cannot list keys'));
  }

  private async recorded<T extends { readonly node: string; readonly value?: string | null; readonly detail: string }>(base: ClientOpBase, run: () => Promise<T>): Promise<Omit<T, 'detail'>> {
    const op = recordClientOp(this.host, LAB_CLIENT, this.nextOpId++, base, describeClientOp(base));
    try {
      return op.succeeded(await run());
    } catch (error) {
      op.failed(error, error instanceof CasRefused ? true : undefined);
      throw error;
    }
  }

  /**
   * Sends `body` until a node answers it definitely: the chosen node only, or the leader and then
   * the others in turn, round after round until the deadline. A read of a key that does not exist
   * (20) is an answer: absent.
   */
  private async untilAnswered(body: Omit<MaelstromBody, 'msg_id'>, chosen: string | undefined, isCas: boolean): Promise<Answer> {
    const deadline = performance.now() + 3 * this.host.attemptTimeoutMs();
    const tried = new Set<string>();
    let lastError = 'no node is running';
    for (;;) {
      let node = chosen ?? this.nextNode(tried);
      if (node === undefined && performance.now() < deadline) {
        // Every node said no (an election under way): a moment, then another round.
        await new Promise((resolve) => setTimeout(resolve, ROUND_PAUSE_MS));
        tried.clear();
        node = this.nextNode(tried);
      }
      if (node === undefined || performance.now() >= deadline) throw new CommandError('unavailable', `no node could serve it: ${lastError}`);
      tried.add(node);
      if (!this.host.isRunning(node)) {
        lastError = `${node} is down`;
        if (chosen) throw new CommandError('unavailable', lastError);
        continue;
      }
      const reply = await this.ask(node, body, Math.min(this.host.attemptTimeoutMs(), deadline - performance.now()));
      if (reply === null) throw new CommandError('timeout', `${node} did not answer in time: it may or may not have happened`);
      if (reply.type !== 'error') return { reply, node };
      if (reply.code === ERROR_CODES['key-does-not-exist'] && body.type === 'read') return { reply: null, node };
      const said = `${node} answered ${errorName(reply.code)} (${reply.code})${reply.text ? `: ${reply.text}` : ''}`;
      if (!isDefinite(reply.code)) throw new CommandError('timeout', `${said}; it may or may not have happened`);
      if (isCas && (reply.code === ERROR_CODES['precondition-failed'] || reply.code === ERROR_CODES['key-does-not-exist'])) throw new CasRefused(said);
      if (reply.code === ERROR_CODES['malformed-request'] || reply.code === ERROR_CODES['not-supported']) throw new CommandError('bad-request', said);
      lastError = said;
      if (chosen) throw new CommandError('unavailable', said);
    }
  }

  /** The leader first, then the nodes in order, each once per operation. */
  private nextNode(tried: ReadonlySet<string>): string | undefined {
    const leader = this.host.leader();
    if (leader && !tried.has(leader)) return leader;
    return this.host.nodes().find((node) => !tried.has(node));
  }

  private ask(node: string, body: Omit<MaelstromBody, 'msg_id'>, timeoutMs: number): Promise<LinKvReply | null> {
    const msgId = this.nextMsgId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(null), Math.max(0, timeoutMs));
      const finish = (reply: LinKvReply | null): void => {
        clearTimeout(timer);
        this.open.delete(msgId);
        resolve(reply);
      };
      this.open.set(msgId, finish);
      // A node that went down in between definitely did not get it: the next node is tried.
      if (!this.host.send(node, { src: LAB_CLIENT, dest: node, body: { ...body, msg_id: msgId } as MaelstromBody })) {
        finish({ type: 'error', in_reply_to: msgId, code: ERROR_CODES['temporarily-unavailable'], text: `${node} is down` });
      }
    });
  }
}

/** A cas the store refused for the value it found: definite, and an answer about the state. */
class CasRefused extends CommandError {
  constructor(message: string) {
    super('conflict', message);
  }
}
